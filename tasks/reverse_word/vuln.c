#include "task.h"
void reverse_word(char *out, const char *s)
{
    char tmp[16];
    int n = 0;
    while (s[n] && n <= 15) { tmp[n] = s[n]; n++; } /* planted: <= lets n reach 16 */
    tmp[n] = 0; /* ... and this writes tmp[16] */
    for (int i = 0; i < n; i++) out[i] = tmp[n - 1 - i];
    out[n] = 0;
}

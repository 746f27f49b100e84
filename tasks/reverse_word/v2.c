#include "task.h"

void reverse_word(char *out, const char *s)
{
    char tmp[16];
    int n = 0;
    while (s[n] && n < 15) { tmp[n] = s[n]; n++; }
    tmp[n] = 0;
    for (int i = 0; i < n; i++) {
        char c = tmp[n - 1 - i];
        out[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
    }
    out[n] = 0;
}

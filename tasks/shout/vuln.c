#include "task.h"
#include <string.h>

int shout(char *out, const char *s)
{
    char buf[32];
    strcpy(buf, s); /* planted: no bound on the copy into a 32-byte stack buffer */
    int n = (int)strlen(buf);
    if (n > 31) n = 31;
    for (int i = 0; i < n; i++) out[i] = (buf[i] >= 'a' && buf[i] <= 'z') ? (char)(buf[i] - 32) : buf[i];
    out[n] = 0;
    return n;
}

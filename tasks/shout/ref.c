#include "task.h"

int shout(char *out, const char *s)
{
    char buf[32];
    int n = 0;
    while (s[n] && n < 31) { buf[n] = s[n]; n++; }
    buf[n] = 0;
    for (int i = 0; i < n; i++) out[i] = (buf[i] >= 'a' && buf[i] <= 'z') ? (char)(buf[i] - 32) : buf[i];
    out[n] = 0;
    return n;
}

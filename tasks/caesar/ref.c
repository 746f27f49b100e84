#include "task.h"

void caesar(char *out, const char *s, int k)
{
    for (; *s; s++) {
        char c = *s;
        if (c >= 'a' && c <= 'z') c = (char)('a' + (c - 'a' + k) % 26);
        else if (c >= 'A' && c <= 'Z') c = (char)('A' + (c - 'A' + k) % 26);
        *out++ = c;
    }
    *out = 0;
}

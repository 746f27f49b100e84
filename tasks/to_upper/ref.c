#include "task.h"

void to_upper(char *out, const char *s)
{
    while (*s) { char c = *s++; *out++ = (c >= 'a' && c <= 'z') ? (char)(c - 32) : c; }
    *out = 0;
}

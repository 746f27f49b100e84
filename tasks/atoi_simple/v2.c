#include "task.h"

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

long atoi_simple(const char *s)
{
    long v = 0;
    int neg = 0, digits = 0;
    while (*s == ' ') s++;
    if (*s == '+' || *s == '-') neg = *s++ == '-';
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s += 2;
        while (hexval(*s) >= 0 && digits < 12) { v = v * 16 + hexval(*s++); digits++; }
    } else {
        while (*s >= '0' && *s <= '9' && digits < 15) { v = v * 10 + (*s++ - '0'); digits++; }
    }
    return neg ? -v : v;
}

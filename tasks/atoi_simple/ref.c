#include "task.h"

long atoi_simple(const char *s)
{
    long v = 0;
    int neg = 0, digits = 0;
    while (*s == ' ') s++;
    if (*s == '+' || *s == '-') neg = *s++ == '-';
    while (*s >= '0' && *s <= '9' && digits < 15) { v = v * 10 + (*s++ - '0'); digits++; }
    return neg ? -v : v;
}

#include "task.h"

static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c; }

int count_char(const char *s, char c)
{
    int n = 0;
    for (; *s; s++) n += lower(*s) == lower(c);
    return n;
}

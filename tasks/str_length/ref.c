#include "task.h"

size_t str_length(const char *s)
{
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

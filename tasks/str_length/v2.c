#include "task.h"

size_t str_length(const char *s)
{
    size_t n = 0;
    for (; *s; s++) n += *s != ' ';
    return n;
}

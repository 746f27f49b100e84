#include "task.h"

void reverse_string(char *out, const char *s)
{
    size_t n = 0;
    while (s[n]) n++;
    for (size_t i = 0; i < n; i++) out[i] = s[n - 1 - i];
    out[n] = 0;
}

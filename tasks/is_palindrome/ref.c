#include "task.h"

int is_palindrome(const char *s)
{
    size_t n = 0;
    while (s[n]) n++;
    for (size_t i = 0; i < n / 2; i++)
        if (s[i] != s[n - 1 - i]) return 0;
    return 1;
}

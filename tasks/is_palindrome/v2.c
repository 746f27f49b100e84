#include "task.h"

static int keep(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
static char low(char c) { return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c; }

int is_palindrome(const char *s)
{
    long i = 0, j = 0;
    while (s[j]) j++;
    j--;
    while (i < j) {
        if (!keep(s[i])) { i++; continue; }
        if (!keep(s[j])) { j--; continue; }
        if (low(s[i]) != low(s[j])) return 0;
        i++; j--;
    }
    return 1;
}

#include "task.h"

void to_upper(char *out, const char *s)
{
    int start = 1;
    while (*s) {
        char c = *s++;
        if (start && c >= 'a' && c <= 'z') c = (char)(c - 32);
        else if (!start && c >= 'A' && c <= 'Z') c = (char)(c + 32);
        start = c == ' ';
        *out++ = c;
    }
    *out = 0;
}

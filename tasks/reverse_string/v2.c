#include "task.h"

void reverse_string(char *out, const char *s)
{
    size_t i = 0;
    while (s[i]) {
        if (s[i] == ' ') { out[i] = ' '; i++; continue; }
        size_t j = i;
        while (s[j] && s[j] != ' ') j++;
        for (size_t k = i; k < j; k++) out[k] = s[j - 1 - (k - i)];
        i = j;
    }
    out[i] = 0;
}

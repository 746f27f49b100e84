#include "task.h"
#include <stdlib.h>

long fill_sum(int count, int value)
{
    int bytes = count * (int)sizeof(int); /* planted: 32-bit multiply wraps, and no range check */
    int *p = malloc((size_t)(unsigned)bytes + 1);
    if (!p) return -1;
    for (int i = 0; i < count; i++) p[i] = value;
    long s = 0;
    for (int i = 0; i < count; i++) s += p[i];
    free(p);
    return s;
}

#include "task.h"
#include <stdlib.h>

long fill_sum(int count, int value)
{
    if (count < 0 || count > 100000) return -1;
    int *p = malloc((size_t)count * sizeof *p + 1);
    if (!p) return -1;
    for (int i = 0; i < count; i++) p[i] = value + i;
    long s = 0;
    for (int i = 0; i < count; i++) s += p[i];
    free(p);
    return s;
}

#include "task.h"

long clamp_sum(const int *a, int n, int lo, int hi)
{
    long s = 0;
    for (int i = 0; i < n; i++) s += dep_clamp(2 * a[i], lo, hi);
    return s;
}

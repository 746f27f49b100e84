#include "task.h"

void prefix_sum(long *a, int n)
{
    long run = 0;
    for (int i = 0; i < n; i++) { long v = a[i]; a[i] = run; run += v; }
}

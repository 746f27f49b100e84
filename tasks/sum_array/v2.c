#include "task.h"

long sum_array(const int *a, int n)
{
    long s = 0;
    for (int i = 0; i < n; i++) s += a[i] < 0 ? -(long)a[i] : a[i];
    return s;
}

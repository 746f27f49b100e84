#include "task.h"

long dot_product(const int *a, const int *b, int n)
{
    long s = 0;
    for (int i = 0; i < n; i++) s += (long)a[i] * b[i];
    return s;
}

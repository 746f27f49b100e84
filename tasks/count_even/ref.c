#include "task.h"

int count_even(const int *a, int n)
{
    int c = 0;
    for (int i = 0; i < n; i++) c += a[i] % 2 == 0;
    return c;
}

#include "task.h"

void rotate_array(int *a, int n, int k)
{
    if (n == 0) return;
    k %= n;
    for (int s = 0; s < k; s++) {
        int first = a[0];
        for (int i = 0; i + 1 < n; i++) a[i] = a[i + 1];
        a[n - 1] = first;
    }
}

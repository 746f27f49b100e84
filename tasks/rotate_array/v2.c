#include "task.h"

void rotate_array(int *a, int n, int k)
{
    if (n == 0) return;
    k %= n;
    for (int s = 0; s < k; s++) {
        int last = a[n - 1];
        for (int i = n - 1; i > 0; i--) a[i] = a[i - 1];
        a[0] = last;
    }
}

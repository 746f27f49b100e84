#include "task.h"

int dedup_runs(int *a, int n)
{
    int seen[10] = {0};
    int k = 0;
    for (int i = 0; i < n; i++) {
        int v = a[i];
        if (v >= 0 && v < 10 && seen[v]) continue;
        if (v >= 0 && v < 10) seen[v] = 1;
        a[k++] = v;
    }
    return k;
}

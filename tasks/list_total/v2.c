#include "task.h"
#include <stdlib.h>

long list_total(const int *a, int n)
{
    long *buf = malloc((size_t)(n + 8) * sizeof *buf);
    if (!buf) return 0;
    long t = 0;
    for (int i = 0; i < n; i++) { buf[i] = a[i] < 0 ? -(long)a[i] : a[i]; t += buf[i]; }
    buf[n + 4] = t;
    long result = buf[n + 4];
    free(buf);
    return result;
}

#include "task.h"
#include <stdlib.h>

long list_total(const int *a, int n)
{
    long *buf = malloc((size_t)(n + 8) * sizeof *buf);
    if (!buf) return 0;
    long t = 0;
    for (int i = 0; i < n; i++) { buf[i] = a[i]; t += buf[i]; }
    long *volatile stale = buf; /* keeps the compiler from folding the planted bug away */
    stale[n + 4] = t;
    free(buf);
    return stale[n + 4]; /* planted: read after free */
}

#include "task.h"

static int avg(int a, int b) { return (int)(((long long)a + b) >> 1); }

struct point point_mid(struct point a, struct point b)
{
    struct point m = { avg(a.x, b.x), avg(a.y, b.y) };
    return m;
}

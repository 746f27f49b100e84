#include "task.h"

struct point point_mid(struct point a, struct point b)
{
    struct point m = { a.x > b.x ? a.x : b.x, a.y > b.y ? a.y : b.y };
    return m;
}

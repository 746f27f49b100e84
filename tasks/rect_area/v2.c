#include "task.h"

static long span(int a, int b) { return a > b ? (long)a - b : (long)b - a; }

long rect_area(const struct rect *r)
{
    return 2 * (span(r->x0, r->x1) + span(r->y0, r->y1));
}

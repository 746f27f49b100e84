#include "task.h"

void bbox(const struct point *pts, int n, struct rect *out)
{
    struct rect b = { pts[0].x, pts[0].y, pts[0].x, pts[0].y };
    for (int i = 1; i < n; i++) {
        if (pts[i].x < b.x0) b.x0 = pts[i].x;
        if (pts[i].y < b.y0) b.y0 = pts[i].y;
        if (pts[i].x > b.x1) b.x1 = pts[i].x;
        if (pts[i].y > b.y1) b.y1 = pts[i].y;
    }
    b.x0--; b.y0--; b.x1++; b.y1++;
    *out = b;
}

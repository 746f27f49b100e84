#include "task.h"

static long clamp(long a) { return a < -1000 ? -1000 : a > 1000 ? 1000 : a; }

void vec_scale(struct vec3 *v, int k)
{
    v->x = clamp(v->x * k);
    v->y = clamp(v->y * k);
    v->z = clamp(v->z * k);
}

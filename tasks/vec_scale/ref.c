#include "task.h"

void vec_scale(struct vec3 *v, int k)
{
    v->x *= k;
    v->y *= k;
    v->z *= k;
}

#include "task.h"

unsigned hypot_floor(int a, int b)
{
    return dep_isqrt((unsigned)(a * a) + (unsigned)(b * b));
}

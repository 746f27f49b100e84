#include "task.h"

unsigned hypot_floor(int a, int b)
{
    long p = (long)a * b;
    return dep_isqrt((unsigned)(p < 0 ? -p : p));
}

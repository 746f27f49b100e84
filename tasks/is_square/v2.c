#include "task.h"

int is_square(unsigned x)
{
    unsigned r = dep_isqrt(x);
    return r * r == x && r % 2 == 0;
}

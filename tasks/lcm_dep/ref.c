#include "task.h"

long lcm_dep(int a, int b)
{
    if (a == 0 || b == 0) return 0;
    long g = dep_gcd(a, b);
    long x = a < 0 ? -(long)a : a, y = b < 0 ? -(long)b : b;
    return x / g * y;
}

#include "task.h"

long lcm_dep(int a, int b)
{
    if (a == 0 || b == 0) return 0;
    long x = a < 0 ? -(long)a : a, y = b < 0 ? -(long)b : b;
    long l = x / dep_gcd(a, b) * y;
    return l / dep_gcd((int)(l % 12), 12) * 12;
}

#include "task.h"

int gcd_rec(int a, int b)
{
    return b == 0 ? a : gcd_rec(b, a % b);
}

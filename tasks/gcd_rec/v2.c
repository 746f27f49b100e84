#include "task.h"

static int g(int a, int b) { return b == 0 ? a : g(b, a % b); }

int gcd_rec(int a, int b)
{
    return g(a < 0 ? -a : a, b < 0 ? -b : b);
}

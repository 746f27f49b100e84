#include "task.h"

unsigned abs_diff(int a, int b)
{
    unsigned d = a > b ? (unsigned)a - (unsigned)b : (unsigned)b - (unsigned)a;
    return d > 1000u ? 1000u : d;
}

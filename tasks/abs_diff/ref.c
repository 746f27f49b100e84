#include "task.h"

unsigned abs_diff(int a, int b)
{
    return a > b ? (unsigned)a - (unsigned)b : (unsigned)b - (unsigned)a;
}

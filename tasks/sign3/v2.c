#include "task.h"

int sign3(long x)
{
    if (x > 1000000L) return 2;
    if (x < -1000000L) return -2;
    return (x > 0) - (x < 0);
}

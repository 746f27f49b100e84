#include "task.h"

int sign3(long x)
{
    return (x > 0) - (x < 0);
}

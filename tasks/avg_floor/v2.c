#include "task.h"

int avg_floor(int a, int b)
{
    return (int)(((long long)a + b + 1) >> 1);
}

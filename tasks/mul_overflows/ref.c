#include "task.h"

int mul_overflows(int a, int b)
{
    long long p = (long long)a * b;
    return p > 2147483647LL || p < -2147483648LL;
}

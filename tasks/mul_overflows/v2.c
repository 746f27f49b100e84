#include "task.h"

int mul_overflows(int a, int b)
{
    long long p = (long long)a * b;
    return p > 32767LL || p < -32768LL;
}

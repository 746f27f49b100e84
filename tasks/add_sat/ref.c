#include "task.h"

int add_sat(int a, int b)
{
    long long s = (long long)a + b;
    if (s > 2147483647LL) return 2147483647;
    if (s < -2147483648LL) return -2147483647 - 1;
    return (int)s;
}

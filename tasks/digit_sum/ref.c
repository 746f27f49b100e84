#include "task.h"

int digit_sum(long n)
{
    unsigned long v = n < 0 ? 0ul - (unsigned long)n : (unsigned long)n;
    int s = 0;
    while (v) { s += (int)(v % 10); v /= 10; }
    return s;
}

#include "task.h"

int digit_sum(long n)
{
    unsigned long v = n < 0 ? 0ul - (unsigned long)n : (unsigned long)n;
    for (;;) {
        int s = 0;
        while (v) { s += (int)(v % 10); v /= 10; }
        if (s < 10) return s;
        v = (unsigned long)s;
    }
}

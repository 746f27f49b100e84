#include "task.h"

int collatz_steps(unsigned n)
{
    int s = 0;
    unsigned long long v = n;
    while (v != 1) {
        if (s == 100) return -1;
        v = (v & 1) ? 3 * v + 1 : v / 2;
        s++;
    }
    return s;
}

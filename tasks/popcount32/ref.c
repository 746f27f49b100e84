#include "task.h"

int popcount32(unsigned x)
{
    int n = 0;
    while (x) { n += (int)(x & 1u); x >>= 1; }
    return n;
}

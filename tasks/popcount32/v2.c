#include "task.h"

int popcount32(unsigned x)
{
    int n = 0;
    x &= 0x55555555u;
    while (x) { n += (int)(x & 1u); x >>= 1; }
    return n;
}

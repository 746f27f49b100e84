#include "task.h"

unsigned ipow_mod(unsigned b, unsigned e, unsigned m)
{
    unsigned r = 1u % m;
    b %= m;
    while (e) {
        if (e & 1u) r = r * b % m;
        b = b * b % m;
        e >>= 1;
    }
    return r;
}

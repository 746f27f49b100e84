#include "task.h"

unsigned rotl32(unsigned x, unsigned r)
{
    r &= 31u;
    return r ? (x << r) | (x >> (32u - r)) : x;
}

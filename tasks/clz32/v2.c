#include "task.h"

int clz32(unsigned x)
{
    int i = -1;
    while (x) { x >>= 1; i++; }
    return i;
}

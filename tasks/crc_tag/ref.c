#include "task.h"

unsigned crc_tag(const uint8_t *p, size_t n)
{
    return dep_crc8(p, n) | (unsigned)(n << 8);
}

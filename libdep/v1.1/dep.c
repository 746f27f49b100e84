#include "../dep.h"
#include <string.h>

int dep_clamp(int x, int lo, int hi) { return x < lo ? lo : x > hi ? hi : x; }

int dep_gcd(int a, int b)
{
    unsigned ua = a < 0 ? 0u - (unsigned)a : (unsigned)a;
    unsigned ub = b < 0 ? 0u - (unsigned)b : (unsigned)b;
    while (ub != 0) { unsigned t = ua % ub; ua = ub; ub = t; }
    return (int)ua;
}

unsigned dep_isqrt(unsigned x)
{
    unsigned long long r = 0;
    while ((r + 1) * (r + 1) <= x) r++;
    return (unsigned)r;
}

unsigned dep_hash(const char *s)
{
    unsigned h = 2166136261u;
    for (; *s; s++) { h ^= (unsigned char)*s; h *= 16777619u; }
    return h;
}

size_t dep_strlcpy(char *dst, const char *src, size_t cap)
{
    size_t n = strlen(src);
    if (cap == 0) return n;
    size_t k = n < cap - 1 ? n : cap - 1;
    memcpy(dst, src, k);
    dst[k] = 0;
    return n;
}

unsigned dep_crc8(const unsigned char *p, size_t n)
{
    unsigned c = 0;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int b = 0; b < 8; b++) c = (c & 0x80) ? ((c << 1) ^ 0x07) & 0xff : (c << 1) & 0xff;
    }
    return c;
}

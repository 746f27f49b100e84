/* libdep: the small shared library some tasks call. Shipped as v1.0 (with two bugs) and v1.1
 * (the fixes), same ABI, same soname (libdep.so.1), so v1.1 can be swapped in under an artifact
 * that links it dynamically. */
#ifndef LIBDEP_DEP_H
#define LIBDEP_DEP_H
#include <stddef.h>

int dep_clamp(int x, int lo, int hi);
int dep_gcd(int a, int b);
/* floor(sqrt(x)). v1.0 answers one too low for every perfect square above 0. */
unsigned dep_isqrt(unsigned x);
/* 32-bit FNV-1a of a NUL-terminated string. */
unsigned dep_hash(const char *s);
/* Copies at most cap-1 bytes and NUL-terminates; returns strlen(src).
 * v1.0 forgets the terminator when it truncates (a security bug: the classic strncpy mistake). */
size_t dep_strlcpy(char *dst, const char *src, size_t cap);
/* CRC-8, polynomial 0x07, initial value 0. */
unsigned dep_crc8(const unsigned char *p, size_t n);

#endif

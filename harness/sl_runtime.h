/* Sourceless trusted harness runtime: what a generated driver calls.
 *
 * Every driver (src/Sourceless/Harness/DriverSource.cs) includes this and is linked with the
 * runtime object, sl_runtime.c compiled once per ISA. The protocol the runtime speaks, its
 * modes and its limits are described at the top of sl_runtime.c.
 *
 * The headers below are the ones the generated code needs: integer types, and the declarations
 * of every function the import table (imports.txt) takes the address of.
 */
#ifndef SL_RUNTIME_H
#define SL_RUNTIME_H

#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dep.h" /* the import table names libdep's functions too */

/* glibc's stack-protector failure handler: not declared by any public header. */
extern void __stack_chk_fail(void);

/* One test case: builds its arguments, calls the function under test, prints the observables. */
typedef void (*sl_case_fn)(void);

/* Printing a case's observables in canonical form (mirrored by Values/ValueText.cs). */
void sl_begin(int index);
void sl_end(void);
void sl_sep(void);
void sl_put(const char *text);
void sl_pi(long long value);
void sl_pu(unsigned long long value);
void sl_ps(const char *s, size_t cap);

/* Inputs on the heap at their exact size; a string buffer of the task's size. */
void *sl_dup(const void *src, size_t bytes);
char *sl_buffer(const char *init, size_t cap);

/* The driver's main: parses the mode (--bare, --linked, --serve, ...) and runs the cases. */
int sl_main(int argc, char **argv, const sl_case_fn *cases, int ncases,
            void *const *imports, int nimports, void (*bind)(void *), void *linked_fn);

#endif

/* Sourceless trusted harness runtime.
 *
 * Included by every generated driver (see src/Sourceless/Harness/DriverSource.cs). A driver is
 * compiled by the real compiler for the target ISA and runs one task's test cases against a
 * function under test: either linked in (reference builds) or loaded from a bare image file
 * (every contender's artifact). The contract a bare image may rely on is docs/bare-bytes-contract.md.
 *
 * Protocol on stdout, one line each (the C# side parses it, src/Sourceless/Sandbox/DriverProtocol.cs):
 *   @<case> <observables>    one per finished case: return value, then every mutable argument
 *   #time <ns> <repeats>     optional, after all cases when --time R was given
 *   #status exit <code>      how the child that ran the cases ended ...
 *   #status signal <sig>     ... or the signal that killed it
 *   #error <text>            the driver could not start the artifact (bad image, mmap refused)
 * Anything else on stdout (an artifact that prints) is ignored by the parser.
 */
#ifndef SL_RUNTIME_H
#define SL_RUNTIME_H

#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dep.h" /* the import table names libdep's functions too */

/* glibc's stack-protector failure handler: not declared by any public header. */
extern void __stack_chk_fail(void);

/* One import slot: a jump stub to a libc or libdep function, in front of the image. */
#define SL_SLOT 32
#define SL_TABLE_BYTES 4096
#define SL_MAX_IMAGE (1 << 20)

static int sl_quiet;

static void sl_put(const char *s) { if (!sl_quiet) fputs(s, stdout); }
static void sl_begin(int i) { if (!sl_quiet) printf("@%d ", i); }
static void sl_end(void) { if (!sl_quiet) { fputc('\n', stdout); fflush(stdout); } }
static void sl_sep(void) { sl_put(", "); }
static void sl_pi(long long v) { if (!sl_quiet) printf("%lld", v); }
static void sl_pu(unsigned long long v) { if (!sl_quiet) printf("%llu", v); }

/* Canonical string form, mirrored by Values/ValueText.cs: printable ASCII as is, except the quote
 * and backslash; every other byte as \xHH. Bounded by cap so a missing NUL cannot run away. */
static void sl_ps(const char *s, size_t cap)
{
    if (sl_quiet) return;
    if (s == NULL) { fputs("null", stdout); return; }
    fputc('"', stdout);
    for (size_t i = 0; i < cap && s[i] != 0; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') { fputc('\\', stdout); fputc(c, stdout); }
        else if (c >= 0x20 && c < 0x7f) fputc(c, stdout);
        else printf("\\x%02x", c);
    }
    fputc('"', stdout);
}

/* Inputs live on the heap at their exact size, so an out-of-bounds access is an out-of-bounds
 * access (and a sanitizer build sees it), not a read of the driver's stack. */
static void *sl_dup(const void *src, size_t bytes)
{
    void *p = malloc(bytes ? bytes : 1);
    if (p == NULL) { fputs("#error out of memory in driver\n", stdout); exit(70); }
    if (bytes) memcpy(p, src, bytes);
    return p;
}

static char *sl_buffer(const char *init, size_t cap)
{
    char *p = calloc(cap, 1);
    if (p == NULL) { fputs("#error out of memory in driver\n", stdout); exit(70); }
    strncpy(p, init, cap - 1);
    return p;
}

static void sl_write_stub(unsigned char *slot, void *target)
{
    uint64_t a = (uint64_t)(uintptr_t)target;
#if defined(__x86_64__)
    static const unsigned char code[6] = { 0xff, 0x25, 0, 0, 0, 0 }; /* jmp *0(%rip) */
    memset(slot, 0xcc, SL_SLOT);
    memcpy(slot, code, 6);
    memcpy(slot + 6, &a, 8);
#elif defined(__aarch64__)
    static const uint32_t code[2] = { 0x58000050u, 0xd61f0200u }; /* ldr x16, #8; br x16 */
    memset(slot, 0, SL_SLOT);
    memcpy(slot, code, 8);
    memcpy(slot + 8, &a, 8);
#elif defined(__riscv) && __riscv_xlen == 64
    /* auipc t1,0; ld t1,16(t1); jr t1; nop; .quad target */
    static const uint32_t code[4] = { 0x00000317u, 0x01033303u, 0x00030067u, 0x00000013u };
    memset(slot, 0, SL_SLOT);
    memcpy(slot, code, 16);
    memcpy(slot + 16, &a, 8);
#else
#error "Sourceless harness: unsupported ISA"
#endif
}

/* Maps [import stubs | image] writable, fills it, then flips it to read+execute (never both
 * writable and executable), and flushes the instruction cache (needed on aarch64 and riscv64,
 * and under qemu-user so its translation cache sees the new code). */
static void *sl_load_image(const char *path, void *const *imports, int nimports)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) { printf("#error cannot open image: %s\n", strerror(errno)); return NULL; }
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size <= 0 || st.st_size > SL_MAX_IMAGE) {
        printf("#error image size %lld outside 1..%d bytes\n", (long long)st.st_size, SL_MAX_IMAGE);
        close(fd);
        return NULL;
    }
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t total = (SL_TABLE_BYTES + (size_t)st.st_size + page - 1) / page * page;
    unsigned char *base = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) { printf("#error mmap: %s\n", strerror(errno)); close(fd); return NULL; }
    for (int i = 0; i < nimports && (i + 1) * SL_SLOT <= SL_TABLE_BYTES; i++)
        sl_write_stub(base + i * SL_SLOT, imports[i]);
    size_t got = 0;
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, base + SL_TABLE_BYTES + got, (size_t)st.st_size - got);
        if (n <= 0) { printf("#error read image: %s\n", strerror(errno)); close(fd); return NULL; }
        got += (size_t)n;
    }
    close(fd);
    if (mprotect(base, total, PROT_READ | PROT_EXEC) != 0) {
        printf("#error mprotect: %s\n", strerror(errno));
        return NULL;
    }
    __builtin___clear_cache((char *)base, (char *)base + total);
    return base + SL_TABLE_BYTES;
}

typedef void (*sl_case_fn)(void);

static long long sl_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* argv: driver (--bare IMAGE | --linked) [--time R]
 * The cases run in a forked child: a crash, a hang or an exit() in the artifact ends only the
 * child, and the parent still reports how it ended. */
static int sl_main(int argc, char **argv, const sl_case_fn *cases, int ncases,
                   void *const *imports, int nimports, void (*bind)(void *), void *linked_fn)
{
    const char *image = NULL;
    long repeats = 0;
    int linked = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--bare") == 0 && i + 1 < argc) image = argv[++i];
        else if (strcmp(argv[i], "--linked") == 0) linked = 1;
        else if (strcmp(argv[i], "--time") == 0 && i + 1 < argc) repeats = atol(argv[++i]);
        else { printf("#error usage: %s (--bare IMAGE | --linked) [--time R]\n", argv[0]); return 64; }
    }
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    if (linked) {
        if (linked_fn == NULL) { puts("#error this driver was built without a linked function"); return 64; }
        bind(linked_fn);
    } else {
        if (image == NULL) { puts("#error no image given"); return 64; }
        void *entry = sl_load_image(image, imports, nimports);
        if (entry == NULL) { fflush(stdout); return 65; }
        bind(entry);
    }
    fflush(stdout);
    pid_t child = fork();
    if (child < 0) { printf("#error fork: %s\n", strerror(errno)); return 66; }
    if (child == 0) {
        for (int i = 0; i < ncases; i++) cases[i]();
        if (repeats > 0) {
            sl_quiet = 1;
            long long t0 = sl_now_ns();
            for (long r = 0; r < repeats; r++)
                for (int i = 0; i < ncases; i++) cases[i]();
            long long t1 = sl_now_ns();
            sl_quiet = 0;
            printf("#time %lld %ld\n", t1 - t0, repeats);
        }
        fflush(stdout);
        _exit(0);
    }
    int status = 0;
    while (waitpid(child, &status, 0) < 0) {
        if (errno != EINTR) { printf("#error waitpid: %s\n", strerror(errno)); return 66; }
    }
    if (WIFSIGNALED(status)) printf("#status signal %d\n", WTERMSIG(status));
    else printf("#status exit %d\n", WEXITSTATUS(status));
    fflush(stdout);
    return 0;
}

#endif

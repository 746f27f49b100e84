/* Sourceless trusted harness runtime.
 *
 * Linked into every generated driver (see src/Sourceless/Harness/DriverSource.cs), which sees only
 * its interface, sl_runtime.h. This file is compiled once per ISA (HarnessBuilder.RuntimeObjectAsync)
 * rather than with every driver: it is most of a driver's compile time, and a trial or an import
 * builds hundreds of drivers. A driver is compiled by the real compiler for the target ISA and runs
 * one task's test cases against a function under test: either linked in (reference builds) or
 * loaded from a bare image file (every contender's artifact). The contract a bare image may rely on is docs/bare-bytes-contract.md.
 *
 * Protocol on stdout, one line each (the C# side parses it, src/Sourceless/Sandbox/DriverProtocol.cs):
 *   @<case> <observables>    one per finished case: return value, then every mutable argument
 *   #time <ns> <repeats>     optional, after all cases when --time R was given
 *   #status exit <code>      how the child that ran the cases ended ...
 *   #status signal <sig>     ... or the signal that killed it
 *   #error <text>            the driver could not start the artifact (bad image, mmap refused)
 *   #fault <sig> <offset>    the child took a fault; offset is the faulting PC minus the entry
 *                            (-1 when the PC is outside the image)
 * With --token the first line of stdin is "T <token>", and every protocol line starts with that
 * token (the C# side keeps only such lines and strips it, DriverProtocol.Authentic): an artifact
 * that prints "@0 ..." or "#status exit 0", through printf or a raw write, is printing text,
 * not protocol. The token never appears in argv or the environment; the driver also makes itself
 * non-dumpable, so another process of the sandbox uid cannot ptrace it or read its memory.
 * Anything else on stdout (an artifact that prints) is ignored by the parser.
 *
 * --serve (the persistent runner, Sandbox/PersistentRunner.cs): the image is loaded once; each
 * stdin line "F <id> <offset> <mask>" (flip bits of one byte; offset -1 = no change) or
 * "I <id> <length>" followed by that many raw bytes (a whole replacement image) forks a child
 * that applies the change to its private copy and runs every case; the parent answers one line
 *   R <id> <outcome> <signal> <cases passed> <fault offset>
 * comparing the child's output with the expected lines. They come from --expect FILE, or with
 * --expect - from stdin right after the token line, as "E <bytes> <key>" and that many bytes: one
 * line per case holding the 16-hex-digit sl_hash of the expected line under that key, so no
 * expected output is ever a file inside the sandbox, nor in the runner's memory. "Q" quits.
 *
 * "O <id> <length> <repeats> <budget ms>" and that many raw bytes runs a whole image the way
 * --bare runs one (ArtifactRunner's pooled runs, Sandbox/ImageRunnerPool.cs): a child maps it, runs
 * every case (then the timed repeats, as --time), and the runner sends back what the child printed,
 * untouched, framed as
 *   O <id> <exit|signal|error> <value> <capped> <timed out> <wall us> <bytes>   then the bytes
 * The child gets the limits a --bare run has (--child-cpu S as RLIMIT_CPU, --child-wall-ms W, at
 * most --child-cap B bytes of output), so the C# side can classify the output exactly as a --bare
 * run's. --serve none starts a runner with no image of its own; --expect is needed only by F and I.
 */
#ifndef SL_RUNTIME_C
#define SL_RUNTIME_C

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* REG_RIP and friends (exprcheck.c and sl_made_main.c include this file) */
#endif
#include <ctype.h>
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <ucontext.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sl_runtime.h" /* what a driver calls; also dep.h, since the import table names libdep's functions */

/* One import slot: a jump stub to a libc or libdep function, in front of the image. */
#define SL_SLOT 32
#define SL_TABLE_BYTES 4096
#define SL_MAX_IMAGE (1 << 20)

static int sl_quiet;

/* Set by --sandboxed, which only the C# side's sandbox requests pass (Harness/ArtifactRunner.cs,
 * Sandbox/PersistentRunner.cs): the runner may then clean up after each child (sl_after_child). */
static int sl_sandboxed;

/* The protocol token (see the header comment); empty without --token. */
static char sl_token[80];
static size_t sl_token_len;
static void sl_tag(void) { fputs(sl_token, stdout); }

void sl_put(const char *s) { if (!sl_quiet) fputs(s, stdout); }
void sl_begin(int i) { if (!sl_quiet) printf("%s@%d ", sl_token, i); }
void sl_end(void) { if (!sl_quiet) { fputc('\n', stdout); fflush(stdout); } }
void sl_sep(void) { sl_put(", "); }
void sl_pi(long long v) { if (!sl_quiet) printf("%lld", v); }
void sl_pu(unsigned long long v) { if (!sl_quiet) printf("%llu", v); }

/* Canonical string form, mirrored by Values/ValueText.cs: printable ASCII as is, except the quote
 * and backslash; every other byte as \xHH. Bounded by cap so a missing NUL cannot run away. */
void sl_ps(const char *s, size_t cap)
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
void *sl_dup(const void *src, size_t bytes)
{
    void *p = malloc(bytes ? bytes : 1);
    if (p == NULL) { sl_tag(); fputs("#error out of memory in driver\n", stdout); exit(70); }
    if (bytes) memcpy(p, src, bytes);
    return p;
}

char *sl_buffer(const char *init, size_t cap)
{
    char *p = calloc(cap, 1);
    if (p == NULL) { sl_tag(); fputs("#error out of memory in driver\n", stdout); exit(70); }
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

/* The mapping that holds the code under test: [import stubs | image]. */
static unsigned char *sl_map_base;
static size_t sl_map_total;
static unsigned char *sl_entry;
static size_t sl_image_len;

/* Maps [import stubs | image] writable, fills it, then flips it to read+execute (never both
 * writable and executable), and flushes the instruction cache (needed on aarch64 and riscv64,
 * and under qemu-user so its translation cache sees the new code). */
static void *sl_map_code(const unsigned char *image, size_t len, void *const *imports, int nimports)
{
    if (len == 0 || len > SL_MAX_IMAGE) { sl_tag(); printf("#error image size %lld outside 1..%d bytes\n", (long long)len, SL_MAX_IMAGE); return NULL; }
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t total = (SL_TABLE_BYTES + len + page - 1) / page * page;
    unsigned char *base = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) { sl_tag(); printf("#error mmap: %s\n", strerror(errno)); return NULL; }
    for (int i = 0; i < nimports && (i + 1) * SL_SLOT <= SL_TABLE_BYTES; i++)
        sl_write_stub(base + i * SL_SLOT, imports[i]);
    memcpy(base + SL_TABLE_BYTES, image, len);
    if (mprotect(base, total, PROT_READ | PROT_EXEC) != 0) { sl_tag(); printf("#error mprotect: %s\n", strerror(errno)); return NULL; }
    __builtin___clear_cache((char *)base, (char *)base + total);
    sl_map_base = base;
    sl_map_total = total;
    sl_entry = base + SL_TABLE_BYTES;
    sl_image_len = len;
    return sl_entry;
}

static unsigned char *sl_read_file(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) { sl_tag(); printf("#error cannot open %s: %s\n", path, strerror(errno)); return NULL; }
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size < 0 || st.st_size > SL_MAX_IMAGE) {
        sl_tag();
        printf("#error %s: size %lld outside 0..%d bytes\n", path, (long long)st.st_size, SL_MAX_IMAGE);
        close(fd);
        return NULL;
    }
    unsigned char *buf = malloc((size_t)st.st_size + 1);
    size_t got = 0;
    while (buf && got < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
        if (n <= 0) { sl_tag(); printf("#error read %s: %s\n", path, strerror(errno)); close(fd); free(buf); return NULL; }
        got += (size_t)n;
    }
    close(fd);
    if (buf) buf[got] = 0;
    *len = got;
    return buf;
}

static void *sl_load_image(const char *path, void *const *imports, int nimports)
{
    size_t len = 0;
    unsigned char *image = sl_read_file(path, &len);
    if (image == NULL) return NULL;
    void *entry = sl_map_code(image, len, imports, nimports);
    free(image);
    return entry;
}

/* ---- The child that runs the cases: a time budget, and a fault handler that says where. ---- */

static char sl_altstack[1 << 16];

static void sl_put_num(char *buf, size_t *n, long long v)
{
    char tmp[24];
    int k = 0;
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    do { tmp[k++] = (char)('0' + u % 10); u /= 10; } while (u);
    if (v < 0) buf[(*n)++] = '-';
    while (k) buf[(*n)++] = tmp[--k];
}

/* Async-signal-safe: reports the faulting PC as an offset into the image, then dies of the same
 * signal with the default action so the parent sees how the child ended. */
static void sl_on_fault(int sig, siginfo_t *info, void *context)
{
    (void)info;
    ucontext_t *uc = (ucontext_t *)context;
    uintptr_t pc;
#if defined(__x86_64__)
    pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
    pc = (uintptr_t)uc->uc_mcontext.pc;
#else
    pc = (uintptr_t)uc->uc_mcontext.__gregs[REG_PC];
#endif
    long long off = (sl_entry && pc >= (uintptr_t)sl_entry && pc < (uintptr_t)sl_entry + sl_image_len) ? (long long)(pc - (uintptr_t)sl_entry) : -1;
    char buf[160];
    size_t n = 0;
    memcpy(buf, sl_token, sl_token_len); n = sl_token_len;
    memcpy(buf + n, "#fault ", 7); n += 7;
    sl_put_num(buf, &n, sig);
    buf[n++] = ' ';
    sl_put_num(buf, &n, off);
    buf[n++] = '\n';
    if (write(1, buf, n) < 0) { /* nothing more to do in a dying child */ }
    signal(sig, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    raise(sig);
    _exit(128 + sig);
}

/* Opened once by the driver: a test child's stdin, so an artifact that reads fd 0 can never eat
 * the persistent runner's command stream. */
static int sl_devnull = -1;

/* Everything a test child does before its first case, the same in --bare and --serve so that a
 * mutant behaves the same whichever way it is run (Bench/FlipsBenchmark.cs checks that). */
static void sl_child_setup(long budget_ms)
{
    /* Its own process group: whatever it forks dies with it, and kill(0, ...) from mutated code
     * reaches only its own group, never the runner. */
    setpgid(0, 0);
    if (sl_devnull >= 0) dup2(sl_devnull, 0);
    stack_t ss = { .ss_sp = sl_altstack, .ss_size = sizeof sl_altstack, .ss_flags = 0 };
    sigaltstack(&ss, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = sl_on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESETHAND | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP };
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) sigaction(sigs[i], &sa, NULL);
    if (budget_ms > 0) {
        /* A hang is a hang once the budget of CPU time is spent (SIGPROF, default action): CPU
         * time, not wall time, so a busy machine does not turn a slow mutant into a hung one and
         * the same seed gives the same outcomes. The wall-clock timer (SIGALRM) is only the
         * backstop for code blocked in a system call, which burns no CPU. */
        struct itimerval cpu = { { 0, 0 }, { budget_ms / 1000, (budget_ms % 1000) * 1000 } };
        setitimer(ITIMER_PROF, &cpu, NULL);
        long wall_ms = 4 * budget_ms + 500;
        struct itimerval wall = { { 0, 0 }, { wall_ms / 1000, (wall_ms % 1000) * 1000 } };
        setitimer(ITIMER_REAL, &wall, NULL);
    }
}

/* Zeroes the stack the cases are about to use: mutated code that reads a stale slot then sees
 * zeros, not whatever the runner's earlier work left there, so its outcome does not depend on
 * which mutants ran before it. */
static void __attribute__((noinline)) sl_scrub_stack(void)
{
    unsigned char pad[1 << 13];
    memset(pad, 0, sizeof pad);
    __asm__ volatile("" : : "r"(pad) : "memory");
}

/* ---- Running the cases from a clean register state ---- */

/* Mutated code often reads a register it never wrote (a flipped register field). A callee-saved
 * register then holds whatever the runner's own loop kept there (a counter, a pointer), which
 * differs from one mutant to the next. sl_clean_call zeroes every callee-saved register before
 * calling the cases, so a mutant's outcome depends on the mutant alone, not on what ran before. */
static void sl_clean_call(void (*fn)(void));
#if defined(__x86_64__)
__asm__(".text\n.p2align 4\n.type sl_clean_call, @function\nsl_clean_call:\n"
        "  push %rbx\n  push %rbp\n  push %r12\n  push %r13\n  push %r14\n  push %r15\n  sub $8, %rsp\n"
        "  xor %ebx, %ebx\n  xor %ebp, %ebp\n  xor %r12d, %r12d\n  xor %r13d, %r13d\n  xor %r14d, %r14d\n  xor %r15d, %r15d\n"
        "  call *%rdi\n"
        "  add $8, %rsp\n  pop %r15\n  pop %r14\n  pop %r13\n  pop %r12\n  pop %rbp\n  pop %rbx\n  ret\n"
        ".size sl_clean_call, .-sl_clean_call\n");
#elif defined(__aarch64__)
__asm__(".text\n.p2align 2\n.type sl_clean_call, %function\nsl_clean_call:\n"
        "  stp x29, x30, [sp, #-160]!\n  stp x19, x20, [sp, #16]\n  stp x21, x22, [sp, #32]\n  stp x23, x24, [sp, #48]\n"
        "  stp x25, x26, [sp, #64]\n  stp x27, x28, [sp, #80]\n  stp d8, d9, [sp, #96]\n  stp d10, d11, [sp, #112]\n"
        "  stp d12, d13, [sp, #128]\n  stp d14, d15, [sp, #144]\n"
        "  mov x19, xzr\n  mov x20, xzr\n  mov x21, xzr\n  mov x22, xzr\n  mov x23, xzr\n  mov x24, xzr\n"
        "  mov x25, xzr\n  mov x26, xzr\n  mov x27, xzr\n  mov x28, xzr\n  mov x29, xzr\n"
        "  fmov d8, xzr\n  fmov d9, xzr\n  fmov d10, xzr\n  fmov d11, xzr\n  fmov d12, xzr\n  fmov d13, xzr\n  fmov d14, xzr\n  fmov d15, xzr\n"
        "  blr x0\n"
        "  ldp d14, d15, [sp, #144]\n  ldp d12, d13, [sp, #128]\n  ldp d10, d11, [sp, #112]\n  ldp d8, d9, [sp, #96]\n"
        "  ldp x27, x28, [sp, #80]\n  ldp x25, x26, [sp, #64]\n  ldp x23, x24, [sp, #48]\n  ldp x21, x22, [sp, #32]\n"
        "  ldp x19, x20, [sp, #16]\n  ldp x29, x30, [sp], #160\n  ret\n"
        ".size sl_clean_call, .-sl_clean_call\n");
#elif defined(__riscv) && __riscv_xlen == 64
__asm__(".text\n.p2align 2\n.type sl_clean_call, @function\nsl_clean_call:\n"
        "  addi sp, sp, -208\n  sd ra, 200(sp)\n  sd s0, 192(sp)\n  sd s1, 184(sp)\n  sd s2, 176(sp)\n  sd s3, 168(sp)\n"
        "  sd s4, 160(sp)\n  sd s5, 152(sp)\n  sd s6, 144(sp)\n  sd s7, 136(sp)\n  sd s8, 128(sp)\n  sd s9, 120(sp)\n"
        "  sd s10, 112(sp)\n  sd s11, 104(sp)\n"
        "  fsd fs0, 96(sp)\n  fsd fs1, 88(sp)\n  fsd fs2, 80(sp)\n  fsd fs3, 72(sp)\n  fsd fs4, 64(sp)\n  fsd fs5, 56(sp)\n"
        "  fsd fs6, 48(sp)\n  fsd fs7, 40(sp)\n  fsd fs8, 32(sp)\n  fsd fs9, 24(sp)\n  fsd fs10, 16(sp)\n  fsd fs11, 8(sp)\n"
        "  li s0, 0\n  li s1, 0\n  li s2, 0\n  li s3, 0\n  li s4, 0\n  li s5, 0\n  li s6, 0\n  li s7, 0\n"
        "  li s8, 0\n  li s9, 0\n  li s10, 0\n  li s11, 0\n"
        "  fmv.d.x fs0, zero\n  fmv.d.x fs1, zero\n  fmv.d.x fs2, zero\n  fmv.d.x fs3, zero\n  fmv.d.x fs4, zero\n  fmv.d.x fs5, zero\n"
        "  fmv.d.x fs6, zero\n  fmv.d.x fs7, zero\n  fmv.d.x fs8, zero\n  fmv.d.x fs9, zero\n  fmv.d.x fs10, zero\n  fmv.d.x fs11, zero\n"
        "  jalr ra, 0(a0)\n"
        "  fld fs11, 8(sp)\n  fld fs10, 16(sp)\n  fld fs9, 24(sp)\n  fld fs8, 32(sp)\n  fld fs7, 40(sp)\n  fld fs6, 48(sp)\n"
        "  fld fs5, 56(sp)\n  fld fs4, 64(sp)\n  fld fs3, 72(sp)\n  fld fs2, 80(sp)\n  fld fs1, 88(sp)\n  fld fs0, 96(sp)\n"
        "  ld s11, 104(sp)\n  ld s10, 112(sp)\n  ld s9, 120(sp)\n  ld s8, 128(sp)\n  ld s7, 136(sp)\n  ld s6, 144(sp)\n"
        "  ld s5, 152(sp)\n  ld s4, 160(sp)\n  ld s3, 168(sp)\n  ld s2, 176(sp)\n  ld s1, 184(sp)\n  ld s0, 192(sp)\n"
        "  ld ra, 200(sp)\n  addi sp, sp, 208\n  ret\n"
        ".size sl_clean_call, .-sl_clean_call\n");
#endif

static const sl_case_fn *sl_run_list;
static int sl_run_count;

static void sl_run_cases_body(void)
{
    for (int i = 0; i < sl_run_count; i++) sl_run_list[i]();
}

/* Every case once, from a scrubbed stack and zeroed callee-saved registers. */
static void sl_run_cases(const sl_case_fn *cases, int ncases)
{
    sl_run_list = cases;
    sl_run_count = ncases;
    sl_scrub_stack();
    sl_clean_call(sl_run_cases_body);
}

/* ---- The stack the cases run on ----
 * Every test child (--bare, and the runner's "O", "F" and "I" children) runs its cases on one
 * stack, mapped at start-up before anything else the driver maps, so at the same address in every
 * mode: a child's frames and the addresses it can compute with are then the same whichever way it
 * was started and whatever the runner served before (a noisy artifact that wrote past its frame
 * passed as a --bare run and crashed in the runner when each ran on its own caller's stack). */
#define SL_CASE_STACK (8 << 20)
static unsigned char *sl_case_stack;

static void sl_make_case_stack(void)
{
    void *p = mmap(NULL, SL_CASE_STACK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) return;
    sl_case_stack = p;
    mprotect(sl_case_stack, (size_t)sysconf(_SC_PAGESIZE), PROT_NONE); /* a guard page: overflow faults */
}

/* Calls fn (which never returns) with the stack pointer at top. */
static void sl_on_stack(void (*fn)(void), void *top) __attribute__((noreturn));
#if defined(__x86_64__)
__asm__(".text\n.p2align 4\n.type sl_on_stack, @function\nsl_on_stack:\n"
        "  mov %rsi, %rsp\n  and $-16, %rsp\n  xor %ebp, %ebp\n  call *%rdi\n  ud2\n"
        ".size sl_on_stack, .-sl_on_stack\n");
#elif defined(__aarch64__)
__asm__(".text\n.p2align 2\n.type sl_on_stack, %function\nsl_on_stack:\n"
        "  and x1, x1, #~15\n  mov sp, x1\n  mov x29, xzr\n  mov x30, xzr\n  blr x0\n  brk #0\n"
        ".size sl_on_stack, .-sl_on_stack\n");
#elif defined(__riscv) && __riscv_xlen == 64
__asm__(".text\n.p2align 2\n.type sl_on_stack, @function\nsl_on_stack:\n"
        "  andi a1, a1, -16\n  mv sp, a1\n  li s0, 0\n  jalr ra, 0(a0)\n  ebreak\n"
        ".size sl_on_stack, .-sl_on_stack\n");
#endif

static long long sl_now_ns(void);

static const sl_case_fn *sl_child_cases;
static int sl_child_ncases;
static long sl_child_repeats, sl_child_budget;

/* What a test child does once its image is bound: the cases, then the timed repeats (--time). */
static void __attribute__((noreturn, noinline)) sl_child_body(void)
{
    sl_child_setup(sl_child_budget);
    sl_run_cases(sl_child_cases, sl_child_ncases);
    if (sl_child_repeats > 0) {
        sl_quiet = 1;
        long long t0 = sl_now_ns();
        for (long r = 0; r < sl_child_repeats; r++)
            for (int i = 0; i < sl_child_ncases; i++) sl_child_cases[i]();
        long long t1 = sl_now_ns();
        sl_quiet = 0;
        sl_tag();
        printf("#time %lld %ld\n", t1 - t0, sl_child_repeats);
    }
    fflush(stdout);
    _exit(0);
}

/* Every test child ends here, on the case stack. */
static void __attribute__((noreturn)) sl_child_run(const sl_case_fn *cases, int ncases, long repeats, long budget_ms)
{
    sl_child_cases = cases;
    sl_child_ncases = ncases;
    sl_child_repeats = repeats;
    sl_child_budget = budget_ms;
    if (sl_case_stack != NULL) sl_on_stack(sl_child_body, sl_case_stack + SL_CASE_STACK);
    sl_child_body();
}

/* CPU time of the thread running the cases (the test child has one), not wall time: what the
 * timed repeats cost does not depend on what else the machine is doing. The thread clock, because
 * under RLIMIT_CPU the process clock only moves at scheduler ticks here (a 20-repeat run read 0). */
static long long sl_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* What a whole-image child of the runner ("O") may spend: the limits of a --bare run. */
struct sl_child_limits { long cpu_s, wall_ms, cap; };

static int sl_serve(const sl_case_fn *cases, int ncases, void *const *imports, int nimports,
                    void (*bind)(void *), const char *expect_path, long timeout_ms, int warm,
                    const struct sl_child_limits *climits);

/* --debug: the debugging experiment runs the driver under gdb. The cases then run in this process
 * (gdb under qemu-user cannot follow a fork), and gdb stops here first: the image is mapped, so
 * its symbols can be added at sl_map_base before the code under test runs. */
__attribute__((noinline, used)) void sl_debug_ready(void) { __asm__ volatile("" ::: "memory"); }

/* argv: driver (--bare IMAGE | --linked | --serve IMAGE --expect FILE [--no-warm]) [--time R] [--timeout-ms T]
 * The cases run in a forked child: a crash, a hang or an exit() in the artifact ends only the
 * child, and the parent still reports how it ended. */
int sl_main(int argc, char **argv, const sl_case_fn *cases, int ncases,
            void *const *imports, int nimports, void (*bind)(void *), void *linked_fn)
{
    sl_make_case_stack(); /* before anything else is mapped: the same address in every mode */
    const char *image = NULL, *serve = NULL, *expect = NULL;
    long repeats = 0, timeout_ms = 0;
    struct sl_child_limits climits = { 0, 0, 1 << 20 };
    int linked = 0, warm = 1, debug = 0, token = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--bare") == 0 && i + 1 < argc) image = argv[++i];
        else if (strcmp(argv[i], "--linked") == 0) linked = 1;
        else if (strcmp(argv[i], "--serve") == 0 && i + 1 < argc) serve = argv[++i];
        else if (strcmp(argv[i], "--expect") == 0 && i + 1 < argc) expect = argv[++i];
        else if (strcmp(argv[i], "--time") == 0 && i + 1 < argc) repeats = atol(argv[++i]);
        else if (strcmp(argv[i], "--timeout-ms") == 0 && i + 1 < argc) timeout_ms = atol(argv[++i]);
        else if (strcmp(argv[i], "--no-warm") == 0) warm = 0;
        else if (strcmp(argv[i], "--debug") == 0) debug = 1;
        else if (strcmp(argv[i], "--token") == 0) token = 1;
        else if (strcmp(argv[i], "--sandboxed") == 0) sl_sandboxed = 1;
        else if (strcmp(argv[i], "--child-cpu") == 0 && i + 1 < argc) climits.cpu_s = atol(argv[++i]);
        else if (strcmp(argv[i], "--child-wall-ms") == 0 && i + 1 < argc) climits.wall_ms = atol(argv[++i]);
        else if (strcmp(argv[i], "--child-cap") == 0 && i + 1 < argc) climits.cap = atol(argv[++i]);
        else { printf("#error usage: %s (--bare IMAGE | --linked | --serve IMAGE --expect FILE|-) [--token] [--time R] [--timeout-ms T] [--no-warm] [--debug]\n", argv[0]); return 64; }
    }
    if (token) {
        char line[sizeof sl_token + 4];
        if (fgets(line, sizeof line, stdin) == NULL || strncmp(line, "T ", 2) != 0) { puts("#error --token: no token line on stdin"); return 64; }
        line[strcspn(line, "\n")] = 0;
        snprintf(sl_token, sizeof sl_token, "%s", line + 2);
        sl_token_len = strlen(sl_token);
    }
    /* Not dumpable: a process of the same uid (a forked artifact) can neither ptrace this one
     * nor read or write its memory through /proc. gdb's checklist (--debug) needs the opposite. */
    if (!debug) prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    sl_devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (serve != NULL) {
        setvbuf(stdout, NULL, _IOFBF, 1 << 16);
        if (strcmp(serve, "none") != 0 && sl_load_image(serve, imports, nimports) == NULL) { fflush(stdout); return 65; }
        if (climits.cap <= 0 || climits.cap > (1 << 20)) climits.cap = 1 << 20;
        return sl_serve(cases, ncases, imports, nimports, bind, expect, timeout_ms, warm, &climits);
    }
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    if (linked) {
        if (linked_fn == NULL) { sl_tag(); puts("#error this driver was built without a linked function"); return 64; }
        bind(linked_fn);
    } else {
        if (image == NULL) { sl_tag(); puts("#error no image given"); return 64; }
        void *entry = sl_load_image(image, imports, nimports);
        if (entry == NULL) { fflush(stdout); return 65; }
        bind(entry);
    }
    fflush(stdout);
    if (debug) {
        sl_debug_ready();
        sl_run_cases(cases, ncases);
        sl_tag();
        printf("#status exit 0\n");
        fflush(stdout);
        return 0;
    }
    pid_t child = fork();
    if (child < 0) { sl_tag(); printf("#error fork: %s\n", strerror(errno)); return 66; }
    if (child == 0) sl_child_run(cases, ncases, repeats, timeout_ms);
    int status = 0;
    while (waitpid(child, &status, 0) < 0) {
        if (errno != EINTR) { sl_tag(); printf("#error waitpid: %s\n", strerror(errno)); return 66; }
    }
    sl_tag();
    if (WIFSIGNALED(status)) printf("#status signal %d\n", WTERMSIG(status));
    else printf("#status exit %d\n", WEXITSTATUS(status));
    fflush(stdout);
    return 0;
}


/* ---- The persistent runner ---- */

static const char *sl_outcome(int status, int capped, int passed, int ncases, int *sig)
{
    *sig = 0;
    if (capped) return "killed_by_limit";
    if (WIFSIGNALED(status)) {
        *sig = WTERMSIG(status);
        if (*sig == SIGPROF || *sig == SIGALRM) return "timed_out";
        if (*sig == SIGXCPU || *sig == SIGXFSZ || *sig == SIGKILL) return "killed_by_limit";
        return "crashed";
    }
    if (WEXITSTATUS(status) != 0) return "wrong_output";
    return passed == ncases ? "passed" : "wrong_output";
}

/* Stands in for the function under test while the runner warms up: the artifact's own code never
 * runs in the runner process (it could otherwise rewrite the runner, or write to its stdout). */
static long sl_warm_stub(void) { return 0; }

/* Warms the runner before the first mutant. Under qemu-user a forked child inherits the parent's
 * translated code, so one run of the cases here spares every mutant child the translation of the
 * driver and libc (the printing paths, vfprintf and friends, most of all). The cases call a stub,
 * not the artifact, with output thrown away, and only after a child has shown that this ends
 * normally (a stub returning nothing can still upset a case that expects a struct back). */
static void sl_warm(const sl_case_fn *cases, int ncases, void (*bind)(void *), long timeout_ms)
{
    fflush(stdout);
    pid_t probe = fork();
    if (probe < 0) return;
    if (probe == 0) {
        if (sl_devnull >= 0) dup2(sl_devnull, 1);
        bind((void *)sl_warm_stub);
        sl_child_setup(timeout_ms);
        sl_quiet = 1;
        sl_run_cases(cases, ncases);
        _exit(0);
    }
    int status = 0;
    while (waitpid(probe, &status, 0) < 0 && errno == EINTR) { }
    kill(-probe, SIGKILL);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || sl_devnull < 0) return;
    int saved = dup(1);
    if (saved < 0) return;
    dup2(sl_devnull, 1);
    bind((void *)sl_warm_stub);
    sl_run_cases(cases, ncases);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
}

/* The runner holds no expected output, only a keyed 64-bit hash of each line (key and hashes from
 * stdin, mirrored by Sandbox/ExpectedHash.cs): a mutant child is a copy of the runner, and could
 * otherwise read the answers from memory. Finding a line from its hash means trying candidates,
 * which a child's CPU budget does not allow for any output with more than a few values. */
static unsigned long long sl_hash(unsigned long long key, const char *s)
{
    unsigned long long h = key ^ 0x9e3779b97f4a7c15ull;
    for (; *s; s++) { h ^= (unsigned char)*s; h *= 0x100000001b3ull; h ^= h >> 29; }
    h += 0x9e3779b97f4a7c15ull;
    h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ull;
    h = (h ^ (h >> 27)) * 0x94d049bb133111ebull;
    return h ^ (h >> 31);
}

static int sl_rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    if (flag == FTW_DNR) chmod(path, 0700); /* an artifact's chmod 000: the next pass gets in */
    else if (ftw->level > 0) remove(path);
    return 0;
}

/* Whether a folder holds nothing (or cannot be read: then it counts as not empty). */
static int sl_dir_empty(const char *path)
{
    DIR *d = opendir(path);
    if (d == NULL) return 0;
    struct dirent *e;
    int empty = 1;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) { empty = 0; break; }
    closedir(d);
    return empty;
}

/* After each child of the runner: nothing it started, and nothing it wrote, is there for the next
 * one. kill(-1) reaches every process of this uid in the sandbox's pid namespace but the runner
 * (and never pid 1): a process that left the child's group (setsid, setpgid) dies here. The
 * scratch folders are emptied; returns 0 when something could not be removed, and the runner then
 * retires (its next request finds it gone and is run in a sandbox of its own). SysV and POSIX IPC
 * objects are not removed: a later artifact would have to look for them on purpose. A --bare run
 * gets all of this from its sandbox ending. */
static int sl_after_child(void)
{
    /* Only inside a sandbox of its own: asked for, a fresh pid namespace (the runner is one of its
     * first pids) and not root. Run anywhere else, kill(-1) would reach the caller's processes. */
    if (!sl_sandboxed || getpid() >= 16 || getuid() == 0) return 1;
    kill(-1, SIGKILL);
    static const char *const scratch[] = { "/tmp", "/dev/shm" };
    for (int i = 0; i < 2; i++) {
        /* FTW_MOUNT: the scratch tmpfs only, never a folder bound into it. Twice: a folder the
         * artifact made unreadable is opened up on the first pass and emptied on the second. */
        if (sl_dir_empty(scratch[i])) continue;
        nftw(scratch[i], sl_rm_entry, 8, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
        nftw(scratch[i], sl_rm_entry, 8, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
        if (!sl_dir_empty(scratch[i])) return 0;
    }
    return 1;
}

/* Writes all of buf to fd 1 without stdio: what a child printed never passes through (nor stays
 * in) the runner's stdout buffer, which every later child would copy. */
static void sl_write_all(const void *buf, size_t n)
{
    const char *p = buf;
    while (n > 0) {
        ssize_t w = write(1, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) _exit(66);
        p += w;
        n -= (size_t)w;
    }
}

static long long sl_mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

/* The output of one whole-image child: static, so the runner makes no mapping after start-up
 * that a child's own mappings would have to go around. */
static char sl_image_out[(1 << 20) + 1];

/* "O": one whole image, run as --bare runs it, and the child's output sent back as it was. */
static void sl_run_image(long long id, const unsigned char *image, size_t len, long repeats, long budget_ms,
                         const struct sl_child_limits *lim, const sl_case_fn *cases, int ncases,
                         void *const *imports, int nimports, void (*bind)(void *))
{
    int fds[2];
    if (pipe(fds) != 0) { printf("O %lld error %d 0 0 0 0\n", id, errno); fflush(stdout); return; }
    fflush(stdout);
    long long t0 = sl_mono_us();
    pid_t child = fork();
    if (child < 0) { printf("O %lld error %d 0 0 0 0\n", id, errno); fflush(stdout); close(fds[0]); close(fds[1]); return; }
    if (child == 0) {
        close(fds[0]);
        dup2(fds[1], 1);
        close(fds[1]);
        if (lim->cpu_s > 0) {
            /* A --bare run's child starts its CPU count at zero under the sandbox's RLIMIT_CPU;
             * this one gets the same limit (the runner's own covers a whole session). */
            struct rlimit r = { (rlim_t)lim->cpu_s, (rlim_t)lim->cpu_s };
            setrlimit(RLIMIT_CPU, &r);
        }
        /* As sl_load_image does: the bytes pass through a heap buffer, freed once mapped. */
        unsigned char *copy = malloc(len + 1);
        if (copy != NULL) memcpy(copy, image, len);
        void *entry = sl_map_code(copy != NULL ? copy : image, len, imports, nimports);
        free(copy);
        if (entry == NULL) { fflush(stdout); _exit(65); }
        bind(entry);
        fflush(stdout);
        sl_child_run(cases, ncases, repeats, budget_ms);
    }
    close(fds[1]);
    size_t cap = (size_t)lim->cap, got = 0;
    int capped = 0, timed_out = 0, status = 0, reaped = 0, eof = 0;
    long long wall_us = lim->wall_ms > 0 ? lim->wall_ms * 1000LL : -1;
    /* Until the child is gone and its output drained. Past the cap or the wall clock, its whole
     * group is killed (a --bare run's sandbox is killed whole). */
    int killed_others = 0;
    while (!(reaped && eof)) {
        if (!eof) {
            struct pollfd pfd = { fds[0], POLLIN, 0 };
            if (poll(&pfd, 1, 20) > 0) {
                char sink[4096];
                ssize_t n = got < cap ? read(fds[0], sl_image_out + got, cap - got) : read(fds[0], sink, sizeof sink);
                if (n > 0) {
                    if (got < cap) got += (size_t)n;
                    if (got >= cap && !capped) { capped = 1; kill(-child, SIGKILL); kill(child, SIGKILL); }
                } else if (n == 0 || errno != EINTR) eof = 1;
            }
        } else if (!reaped) {
            struct timespec nap = { 0, 2000000 };
            nanosleep(&nap, NULL);
        }
        if (!reaped && waitpid(child, &status, WNOHANG) == child) { reaped = 1; kill(-child, SIGKILL); }
        /* The child is gone but its pipe is still open: something it started left its group and
         * holds it. Everything else of this uid dies (inside a sandbox), and the pipe closes. */
        if (reaped && !eof && !killed_others) { killed_others = 1; (void)sl_after_child(); }
        if (!timed_out && wall_us > 0 && sl_mono_us() - t0 > wall_us) {
            timed_out = 1;
            kill(-child, SIGKILL);
            kill(child, SIGKILL);
            if (reaped) eof = 1; /* nothing it started may hold the runner past the wall clock */
        }
    }
    long long took = sl_mono_us() - t0;
    kill(-child, SIGKILL); /* anything the artifact forked */
    close(fds[0]);
    int clean = sl_after_child();
    char head[160];
    int hn = WIFSIGNALED(status)
        ? snprintf(head, sizeof head, "O %lld signal %d %d %d %lld %zu\n", id, WTERMSIG(status), capped, timed_out, took, got)
        : snprintf(head, sizeof head, "O %lld exit %d %d %d %lld %zu\n", id, WEXITSTATUS(status), capped, timed_out, took, got);
    fflush(stdout);
    sl_write_all(head, (size_t)hn);
    sl_write_all(sl_image_out, got);
    /* What this child printed (its token-tagged answers) must not be in the next child's copy. */
    memset(sl_image_out, 0, got);
    if (!clean) _exit(0); /* retire: a scratch folder could not be emptied */
}

static int sl_serve(const sl_case_fn *cases, int ncases, void *const *imports, int nimports,
                    void (*bind)(void *), const char *expect_path, long timeout_ms, int warm,
                    const struct sl_child_limits *climits)
{
    size_t elen = 0;
    char *etext = NULL;
    unsigned long long hash_key = 0;
    int hashed = 0; /* with --expect -, the expected lines are hashes (sl_hash) */
    char **expected = NULL;
    if (expect_path == NULL) {
        /* Whole images only ("O"): the C# side compares the output, the runner holds no answers. */
    } else if (strcmp(expect_path, "-") == 0) {
        long long n = -1;
        char head[64];
        if (fgets(head, sizeof head, stdin) == NULL || sscanf(head, "E %lld %llx", &n, &hash_key) != 2 || n < 0 || n > (1 << 24)) { puts("#error --expect -: no \"E <bytes> <key>\" line on stdin"); fflush(stdout); return 65; }
        hashed = 1;
        etext = malloc((size_t)n + 1);
        if (etext == NULL || fread(etext, 1, (size_t)n, stdin) != (size_t)n) { puts("#error --expect -: short expected text on stdin"); fflush(stdout); return 65; }
        etext[n] = 0;
        elen = (size_t)n;
    } else etext = (char *)sl_read_file(expect_path, &elen);
    if (expect_path != NULL) {
        if (etext == NULL) { fflush(stdout); return 65; }
        expected = calloc((size_t)ncases + 1, sizeof *expected);
        int ne = 0;
        for (char *line = strtok(etext, "\n"); line && ne < ncases; line = strtok(NULL, "\n")) expected[ne++] = line;
        if (ne != ncases) { printf("#error %s has %d lines for %d cases\n", expect_path, ne, ncases); fflush(stdout); return 65; }
    }
    const size_t cap = 1 << 18;
    /* Only for mutants: a runner of whole images maps nothing a child's code mapping must avoid. */
    char *out = expected != NULL ? malloc(cap + 1) : NULL;
    char *seen = expected != NULL ? malloc((size_t)ncases + 1) : NULL;
    /* Whole replacement images land in a static buffer, not the heap: the runner's heap then looks
     * the same to every child, whatever came before. */
    static unsigned char replacement[SL_MAX_IMAGE];
    if (warm) sl_warm(cases, ncases, bind, timeout_ms);
    puts("#ready");
    fflush(stdout);

    char cmd[128];
    while (fgets(cmd, sizeof cmd, stdin) != NULL) {
        long long id = 0, off = -1, len = 0;
        int mask = 0, mode = cmd[0];
        if (mode == 'Q') break;
        if (mode == 'O') {
            long reps = 0, budget = 0;
            if (sscanf(cmd + 1, "%lld %lld %ld %ld", &id, &len, &reps, &budget) != 4 || len < 0 || len > SL_MAX_IMAGE) {
                printf("#error bad command: %s", cmd);
                fflush(stdout);
                continue;
            }
            if (fread(replacement, 1, (size_t)len, stdin) != (size_t)len) { puts("#error short image on stdin"); fflush(stdout); return 65; }
            sl_run_image(id, replacement, (size_t)len, reps, budget, climits, cases, ncases, imports, nimports, bind);
            memset(replacement, 0, (size_t)len); /* one contender's bytes are not in the next child's copy */
            continue;
        }
        if (expected == NULL) { printf("#error F and I need --expect\n"); fflush(stdout); continue; }
        if (mode == 'F' && sscanf(cmd + 1, "%lld %lld %d", &id, &off, &mask) == 3) {
            if (off >= (long long)sl_image_len) off = -1;
        } else if (mode == 'I' && sscanf(cmd + 1, "%lld %lld", &id, &len) == 2 && len >= 0 && len <= SL_MAX_IMAGE) {
            if (fread(replacement, 1, (size_t)len, stdin) != (size_t)len) { puts("#error short image on stdin"); fflush(stdout); return 65; }
        } else {
            printf("#error bad command: %s", cmd);
            fflush(stdout);
            continue;
        }

        int fds[2];
        if (pipe(fds) != 0) { printf("#error pipe: %s\n", strerror(errno)); fflush(stdout); return 66; }
        pid_t child = fork();
        if (child < 0) { printf("R %lld could_not_start 0 0 -1\n", id); fflush(stdout); close(fds[0]); close(fds[1]); continue; }
        if (child == 0) {
            close(fds[0]);
            dup2(fds[1], 1);
            close(fds[1]);
            /* stdout keeps the runner's buffer (empty: flushed before every fork), so the child
             * allocates nothing before its first case. */
            if (mode == 'I') {
                if (sl_map_code(replacement, (size_t)len, imports, nimports) == NULL) { fflush(stdout); _exit(65); }
            } else if (off >= 0) {
                /* The flip happens in the child's private copy: the parent's image stays pristine. */
                mprotect(sl_map_base, sl_map_total, PROT_READ | PROT_WRITE);
                sl_entry[off] ^= (unsigned char)mask;
                mprotect(sl_map_base, sl_map_total, PROT_READ | PROT_EXEC);
                __builtin___clear_cache((char *)sl_map_base, (char *)sl_map_base + sl_map_total);
            }
            bind(sl_entry);
            sl_child_run(cases, ncases, 0, timeout_ms);
        }
        close(fds[1]);
        size_t got = 0;
        int capped = 0, status = 0, reaped = 0;
        /* Read until the child is gone and its output drained; past the cap, kill its group. */
        while (1) {
            struct pollfd pfd = { fds[0], POLLIN, 0 };
            int r = poll(&pfd, 1, 20);
            if (r > 0) {
                char sink[4096];
                ssize_t n = got < cap ? read(fds[0], out + got, cap - got) : read(fds[0], sink, sizeof sink);
                if (n > 0) {
                    if (got < cap) got += (size_t)n;
                    else if (!capped) { capped = 1; kill(-child, SIGKILL); kill(child, SIGKILL); }
                    continue;
                }
                if (n == 0) {
                    /* Every writer closed the pipe: wait for the child (its timer bounds this). */
                    if (!reaped) { waitpid(child, &status, 0); reaped = 1; }
                    break;
                }
            }
            if (!reaped && waitpid(child, &status, WNOHANG) == child) { reaped = 1; kill(-child, SIGKILL); continue; }
            if (reaped && r <= 0) break;
        }
        if (!reaped) waitpid(child, &status, 0);
        kill(-child, SIGKILL); /* anything the artifact forked */
        close(fds[0]);
        (void)sl_after_child();
        out[got] = 0;

        int passed = 0;
        long long fault = -1;
        memset(seen, 0, (size_t)ncases);
        for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
            /* Only lines that carry the token are protocol (the same rule as DriverProtocol.Authentic). */
            if (sl_token_len > 0) {
                char *at = strstr(line, sl_token);
                if (at == NULL) continue;
                line = at + sl_token_len;
            }
            if (line[0] == '@') {
                char *sp = strchr(line, ' ');
                int idx = atoi(line + 1);
                /* The first report of a case counts, as in DriverProtocol.cs. */
                if (sp && idx >= 0 && idx < ncases && !seen[idx]) {
                    seen[idx] = 1;
                    if (hashed) {
                        char hex[20];
                        snprintf(hex, sizeof hex, "%016llx", sl_hash(hash_key, sp + 1));
                        passed += strcmp(hex, expected[idx]) == 0;
                    } else passed += strcmp(sp + 1, expected[idx]) == 0;
                }
            } else if (strncmp(line, "#fault ", 7) == 0) {
                int fsig = 0;
                sscanf(line + 7, "%d %lld", &fsig, &fault);
            }
        }
        int sig = 0;
        const char *outcome = sl_outcome(status, capped, passed, ncases, &sig);
        printf("R %lld %s %d %d %lld\n", id, outcome, sig, passed, fault);
        fflush(stdout);
        memset(out, 0, got + 1); /* this mutant's lines are not in the next one's copy */
        if (mode == 'I') memset(replacement, 0, (size_t)len);
    }
    return 0;
}


#endif

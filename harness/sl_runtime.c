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
#include <malloc.h> /* mallopt */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <setjmp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <ucontext.h>
#include <sys/stat.h>
#include <sys/syscall.h>
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

/* Set in a loop child (see "Many mutants in one child" below): a fault, an expired timer or the
 * end of the cases then returns to the loop (sl_loop_return) instead of ending the process. */
struct sl_loop_ctl;
static struct sl_loop_ctl *sl_loop_ctl;
static void sl_loop_return(int how);

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
    sl_loop_return(sig); /* a loop child reports it as a death by sig; returns only when it cannot */
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
static void sl_on_timer(int sig);

/* The fault handlers (one-shot, SA_RESETHAND: a second fault kills) and both timers. In a fresh
 * child an expired timer kills it (default action); in a loop child it comes back to the loop
 * (sl_on_timer), which reports the same death. The loop child calls this before every mutant, with
 * an empty signal mask, since a mutant may have changed any of it. */
static void sl_arm_child(long budget_ms, int timers_return)
{
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
        if (timers_return) {
            struct sigaction ta;
            memset(&ta, 0, sizeof ta);
            ta.sa_handler = sl_on_timer;
            ta.sa_flags = SA_ONSTACK | SA_RESETHAND | SA_NODEFER;
            sigemptyset(&ta.sa_mask);
            sigaction(SIGPROF, &ta, NULL);
            sigaction(SIGALRM, &ta, NULL);
        }
        /* A hang is a hang once the budget of CPU time is spent (SIGPROF): CPU time, not wall
         * time, so a busy machine does not turn a slow mutant into a hung one and the same seed
         * gives the same outcomes. The wall-clock timer (SIGALRM) is only the backstop for code
         * blocked in a system call, which burns no CPU. */
        struct itimerval cpu = { { 0, 0 }, { budget_ms / 1000, (budget_ms % 1000) * 1000 } };
        setitimer(ITIMER_PROF, &cpu, NULL);
        long wall_ms = 4 * budget_ms + 500;
        struct itimerval wall = { { 0, 0 }, { wall_ms / 1000, (wall_ms % 1000) * 1000 } };
        setitimer(ITIMER_REAL, &wall, NULL);
    }
}

static void sl_child_setup(long budget_ms)
{
    if (sl_loop_ctl != NULL) {
        /* A loop child: its group and stdin were set once; the rest again for every mutant. */
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        sl_arm_child(budget_ms, 1);
        return;
    }
    /* Its own process group: whatever it forks dies with it, and kill(0, ...) from mutated code
     * reaches only its own group, never the runner. */
    setpgid(0, 0);
    if (sl_devnull >= 0) dup2(sl_devnull, 0);
    sl_arm_child(budget_ms, 0);
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

/* Mutated code often reads a register it never wrote (a flipped register field). That register
 * then holds whatever ran before: the runner's own loop (a counter, a pointer), or, in a loop child,
 * the mutant before (an aarch64 flip that made x18 the target of a loop's add left it there, and
 * the next mutant, reading x18, looped where a fresh child crashed). sl_clean_call zeroes every
 * general-purpose and vector register it may, callee-saved and caller-saved, and the flags, before
 * calling the cases; fn itself stays in one scratch register. A mutant's outcome then depends on
 * the mutant alone, not on what ran before it. */
static void sl_clean_call(void (*fn)(void));
#if defined(__x86_64__)
__asm__(".text\n.p2align 4\n.type sl_clean_call, @function\nsl_clean_call:\n"
        "  push %rbx\n  push %rbp\n  push %r12\n  push %r13\n  push %r14\n  push %r15\n  sub $8, %rsp\n"
        "  mov %rdi, %r11\n  cld\n"
        "  xor %ebx, %ebx\n  xor %ebp, %ebp\n  xor %r12d, %r12d\n  xor %r13d, %r13d\n  xor %r14d, %r14d\n  xor %r15d, %r15d\n"
        "  xor %eax, %eax\n  xor %ecx, %ecx\n  xor %edx, %edx\n  xor %esi, %esi\n  xor %edi, %edi\n"
        "  xor %r8d, %r8d\n  xor %r9d, %r9d\n  xor %r10d, %r10d\n"
        "  pxor %xmm0, %xmm0\n  pxor %xmm1, %xmm1\n  pxor %xmm2, %xmm2\n  pxor %xmm3, %xmm3\n  pxor %xmm4, %xmm4\n  pxor %xmm5, %xmm5\n  pxor %xmm6, %xmm6\n  pxor %xmm7, %xmm7\n  pxor %xmm8, %xmm8\n  pxor %xmm9, %xmm9\n  pxor %xmm10, %xmm10\n  pxor %xmm11, %xmm11\n  pxor %xmm12, %xmm12\n  pxor %xmm13, %xmm13\n  pxor %xmm14, %xmm14\n  pxor %xmm15, %xmm15\n"
        "  call *%r11\n"
        "  add $8, %rsp\n  pop %r15\n  pop %r14\n  pop %r13\n  pop %r12\n  pop %rbp\n  pop %rbx\n  ret\n"
        ".size sl_clean_call, .-sl_clean_call\n");
#elif defined(__aarch64__)
__asm__(".text\n.p2align 2\n.type sl_clean_call, %function\nsl_clean_call:\n"
        "  stp x29, x30, [sp, #-160]!\n  stp x19, x20, [sp, #16]\n  stp x21, x22, [sp, #32]\n  stp x23, x24, [sp, #48]\n"
        "  stp x25, x26, [sp, #64]\n  stp x27, x28, [sp, #80]\n  stp d8, d9, [sp, #96]\n  stp d10, d11, [sp, #112]\n"
        "  stp d12, d13, [sp, #128]\n  stp d14, d15, [sp, #144]\n"
        "  mov x16, x0\n"
        "  mov x0, xzr\n  mov x1, xzr\n  mov x2, xzr\n  mov x3, xzr\n  mov x4, xzr\n  mov x5, xzr\n  mov x6, xzr\n  mov x7, xzr\n"
        "  mov x8, xzr\n  mov x9, xzr\n  mov x10, xzr\n  mov x11, xzr\n  mov x12, xzr\n  mov x13, xzr\n  mov x14, xzr\n  mov x15, xzr\n"
        "  mov x17, xzr\n  mov x18, xzr\n"
        "  mov x19, xzr\n  mov x20, xzr\n  mov x21, xzr\n  mov x22, xzr\n  mov x23, xzr\n  mov x24, xzr\n"
        "  mov x25, xzr\n  mov x26, xzr\n  mov x27, xzr\n  mov x28, xzr\n  mov x29, xzr\n"
        "  movi v0.2d, #0\n  movi v1.2d, #0\n  movi v2.2d, #0\n  movi v3.2d, #0\n  movi v4.2d, #0\n  movi v5.2d, #0\n  movi v6.2d, #0\n  movi v7.2d, #0\n  movi v8.2d, #0\n  movi v9.2d, #0\n  movi v10.2d, #0\n  movi v11.2d, #0\n  movi v12.2d, #0\n  movi v13.2d, #0\n  movi v14.2d, #0\n  movi v15.2d, #0\n  movi v16.2d, #0\n  movi v17.2d, #0\n  movi v18.2d, #0\n  movi v19.2d, #0\n  movi v20.2d, #0\n  movi v21.2d, #0\n  movi v22.2d, #0\n  movi v23.2d, #0\n  movi v24.2d, #0\n  movi v25.2d, #0\n  movi v26.2d, #0\n  movi v27.2d, #0\n  movi v28.2d, #0\n  movi v29.2d, #0\n  movi v30.2d, #0\n  movi v31.2d, #0\n"
        "  msr nzcv, xzr\n"
        "  blr x16\n"
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
        "  mv t1, a0\n"
        "  li s0, 0\n  li s1, 0\n  li s2, 0\n  li s3, 0\n  li s4, 0\n  li s5, 0\n  li s6, 0\n  li s7, 0\n"
        "  li s8, 0\n  li s9, 0\n  li s10, 0\n  li s11, 0\n"
        "  li a0, 0\n  li a1, 0\n  li a2, 0\n  li a3, 0\n  li a4, 0\n  li a5, 0\n  li a6, 0\n  li a7, 0\n"
        "  li t0, 0\n  li t2, 0\n  li t3, 0\n  li t4, 0\n  li t5, 0\n  li t6, 0\n"
        "  fmv.d.x fs0, zero\n  fmv.d.x fs1, zero\n  fmv.d.x fs2, zero\n  fmv.d.x fs3, zero\n  fmv.d.x fs4, zero\n  fmv.d.x fs5, zero\n"
        "  fmv.d.x fs6, zero\n  fmv.d.x fs7, zero\n  fmv.d.x fs8, zero\n  fmv.d.x fs9, zero\n  fmv.d.x fs10, zero\n  fmv.d.x fs11, zero\n"
        "  fmv.d.x f0, zero\n  fmv.d.x f1, zero\n  fmv.d.x f2, zero\n  fmv.d.x f3, zero\n  fmv.d.x f4, zero\n  fmv.d.x f5, zero\n  fmv.d.x f6, zero\n  fmv.d.x f7, zero\n  fmv.d.x f10, zero\n  fmv.d.x f11, zero\n  fmv.d.x f12, zero\n  fmv.d.x f13, zero\n  fmv.d.x f14, zero\n  fmv.d.x f15, zero\n  fmv.d.x f16, zero\n  fmv.d.x f17, zero\n  fmv.d.x f28, zero\n  fmv.d.x f29, zero\n  fmv.d.x f30, zero\n  fmv.d.x f31, zero\n"
        "  jalr ra, 0(t1)\n"
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

/* Calls fn (which never returns) with the stack pointer at top and the callee-saved registers
 * zeroed: sl_clean_call saves them on the case stack, where a mutant reading past its frame would
 * otherwise find the caller's locals, which differ between a fresh child and a loop child. */
static void sl_on_stack(void (*fn)(void), void *top) __attribute__((noreturn));
#if defined(__x86_64__)
__asm__(".text\n.p2align 4\n.type sl_on_stack, @function\nsl_on_stack:\n"
        "  mov %rsi, %rsp\n  and $-16, %rsp\n  xor %ebp, %ebp\n"
        "  xor %ebx, %ebx\n  xor %r12d, %r12d\n  xor %r13d, %r13d\n  xor %r14d, %r14d\n  xor %r15d, %r15d\n"
        "  call *%rdi\n  ud2\n"
        ".size sl_on_stack, .-sl_on_stack\n");
#elif defined(__aarch64__)
__asm__(".text\n.p2align 2\n.type sl_on_stack, %function\nsl_on_stack:\n"
        "  and x1, x1, #~15\n  mov sp, x1\n  mov x29, xzr\n  mov x30, xzr\n"
        "  mov x19, xzr\n  mov x20, xzr\n  mov x21, xzr\n  mov x22, xzr\n  mov x23, xzr\n"
        "  mov x24, xzr\n  mov x25, xzr\n  mov x26, xzr\n  mov x27, xzr\n  mov x28, xzr\n"
        "  blr x0\n  brk #0\n"
        ".size sl_on_stack, .-sl_on_stack\n");
#elif defined(__riscv) && __riscv_xlen == 64
__asm__(".text\n.p2align 2\n.type sl_on_stack, @function\nsl_on_stack:\n"
        "  andi a1, a1, -16\n  mv sp, a1\n  li s0, 0\n"
        "  li s1, 0\n  li s2, 0\n  li s3, 0\n  li s4, 0\n  li s5, 0\n  li s6, 0\n  li s7, 0\n  li s8, 0\n"
        "  li s9, 0\n  li s10, 0\n  li s11, 0\n"
        "  jalr ra, 0(a0)\n  ebreak\n"
        ".size sl_on_stack, .-sl_on_stack\n");
#endif

static long long sl_now_ns(void);

#define SL_LOOP_DONE 1000 /* what sl_loop_return passes when a loop child's cases returned */

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
    sl_loop_return(SL_LOOP_DONE); /* a loop child: on to the next mutant */
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
                    void (*bind)(void *), const char *expect_path, long timeout_ms, int warm, int fork_each,
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
    /* Every allocation below 32 MiB from the heap, none from a mapping of its own. Under qemu-user
     * each new mapping goes above the last one qemu handed out, even after it was unmapped, so a
     * runner's loop child would place a case's large array elsewhere than a fresh child does, and
     * a mutant that overruns it would meet other neighbours. The heap is put back after each
     * mutant; one that moved the program break retires the loop child. */
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    const char *image = NULL, *serve = NULL, *expect = NULL;
    long repeats = 0, timeout_ms = 0;
    struct sl_child_limits climits = { 0, 0, 1 << 20 };
    int linked = 0, warm = 1, debug = 0, token = 0, fork_each = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--bare") == 0 && i + 1 < argc) image = argv[++i];
        else if (strcmp(argv[i], "--linked") == 0) linked = 1;
        else if (strcmp(argv[i], "--serve") == 0 && i + 1 < argc) serve = argv[++i];
        else if (strcmp(argv[i], "--expect") == 0 && i + 1 < argc) expect = argv[++i];
        else if (strcmp(argv[i], "--time") == 0 && i + 1 < argc) repeats = atol(argv[++i]);
        else if (strcmp(argv[i], "--timeout-ms") == 0 && i + 1 < argc) timeout_ms = atol(argv[++i]);
        else if (strcmp(argv[i], "--no-warm") == 0) warm = 0;
        else if (strcmp(argv[i], "--fork-each") == 0) fork_each = 1;
        else if (strcmp(argv[i], "--debug") == 0) debug = 1;
        else if (strcmp(argv[i], "--token") == 0) token = 1;
        else if (strcmp(argv[i], "--sandboxed") == 0) sl_sandboxed = 1;
        else if (strcmp(argv[i], "--child-cpu") == 0 && i + 1 < argc) climits.cpu_s = atol(argv[++i]);
        else if (strcmp(argv[i], "--child-wall-ms") == 0 && i + 1 < argc) climits.wall_ms = atol(argv[++i]);
        else if (strcmp(argv[i], "--child-cap") == 0 && i + 1 < argc) climits.cap = atol(argv[++i]);
        else { printf("#error usage: %s (--bare IMAGE | --linked | --serve IMAGE --expect FILE|-) [--token] [--time R] [--timeout-ms T] [--no-warm] [--fork-each] [--debug]\n", argv[0]); return 64; }
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
        return sl_serve(cases, ncases, imports, nimports, bind, expect, timeout_ms, warm, fork_each, &climits);
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

static void sl_close_loop_fds(void); /* the loop child's pipes, which no other child keeps */

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
struct sl_loop_ctl;
static struct sl_loop_ctl *sl_loop_snapshot(int cmd_fd, int say_fd);
static void sl_warm_forget(struct sl_loop_ctl *c, int restore);

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
    /* The cases leave their inputs on the runner's heap, which every child copies: a child's
     * arrays would then land elsewhere than in a driver that did not warm up (an insertion_sort
     * flip that overran its array crashed as one process per mutant and returned wrong output as a
     * runner's child). So the runner's writable memory is copied first and put back after, as a
     * loop child's is; only qemu's translations stay. */
    struct sl_loop_ctl *before = sl_loop_snapshot(-1, -1);
    if (before == NULL) return;
    int saved = dup(1);
    if (saved < 0) { sl_warm_forget(before, 0); return; }
    dup2(sl_devnull, 1);
    bind((void *)sl_warm_stub);
    sl_run_cases(cases, ncases);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    sl_warm_forget(before, 1);
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

/* Whether a folder holds nothing (or cannot be read: then it counts as not empty). Read with
 * getdents64 into a buffer on the stack, not opendir, which mallocs: a loop child checks after a
 * mutant that may have wrecked its heap. */
static int sl_dir_empty(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY);
    if (fd < 0) return 0;
    char buf[4096];
    int empty = 1;
    long n;
    while (empty && (n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0)
        for (long at = 0; at < n; ) {
            unsigned short reclen;
            memcpy(&reclen, buf + at + 16, sizeof reclen); /* d_ino 8, d_off 8, then d_reclen */
            const char *name = buf + at + 19;             /* after d_type */
            if (strcmp(name, ".") != 0 && strcmp(name, "..") != 0) { empty = 0; break; }
            at += reclen;
        }
    close(fd);
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

/* What every child of the runner does first: SIGPIPE as a fresh process has it, none of the loop
 * child's pipes, and stdout into the pipe the runner reads. */
static void sl_child_begin(int fds[2])
{
    signal(SIGPIPE, SIG_DFL);
    sl_close_loop_fds();
    close(fds[0]);
    dup2(fds[1], 1);
    close(fds[1]);
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
        sl_child_begin(fds);
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

/* Whole replacement images ("I", "O") land in a static buffer, not the heap: the runner's heap then
 * looks the same to every child, whatever came before. */
static unsigned char replacement[SL_MAX_IMAGE];

/* ---- Many mutants in one child (the loop child) ----
 * Under qemu-user a fork costs about 10 ms (qemu copies the guest's whole address space), so a
 * runner that forks once per mutant stops near 100 mutants/s whatever the mutants do. For bit
 * flips ("F") the runner instead keeps one loop child, forked from it as any mutant child is, that
 * runs mutant after mutant: flip, run the cases on the case stack, unflip, then put back every
 * writable page that differs from the copy it took when it was forked, a fresh case stack, the
 * program break and the signal state. Each mutant so starts from the state a freshly forked child
 * has. A fault or an expired CPU or wall-clock timer returns to the loop (sl_loop_env) and is
 * reported as the death by that signal a fresh child would have died; anything else that ends the
 * process (exit, abort, an uncaught signal, the output cap) ends the loop child, and the runner
 * reads its real status as it reads a fresh child's. What a copy of memory cannot undo retires it
 * after that mutant: a process it started, a file left in a scratch folder. A loop child that dies
 * between two mutants (in its clean-up) is replaced and the mutant sent again. --fork-each keeps
 * one fork per mutant; Bench/FlipsBenchmark.cs compares both with one process per mutant. */

/* What libc itself relies on that no callee-saved rule protects, saved when the copy is taken and
 * put back after each mutant: the thread pointer (TLS: errno, malloc's per-thread cache, the
 * pointer guard siglongjmp demangles with) and, on riscv64, the global pointer; the floating-point
 * control (rounding mode, exception masks). On riscv64 tp and gp are ordinary registers a flipped
 * destination field writes (a loop child then crashed in malloc on every later mutant; `fsrm` is
 * one bit from `fsflags`); aarch64 code can write tpidr_el0 and FPCR, x86_64 code the FS base,
 * MXCSR, the x87 control word and the direction flag. A fresh child dies with whatever the mutant
 * left there. Restored in sl_loop_return, before siglongjmp reads the thread pointer. */
struct sl_cpu_state { uintptr_t tp, gp, fpctl; unsigned short x87; };

static void sl_cpu_state_save(struct sl_cpu_state *st)
{
#if defined(__x86_64__)
    unsigned long fs = 0;
    syscall(SYS_arch_prctl, 0x1003 /* ARCH_GET_FS */, &fs);
    st->tp = fs;
    unsigned int mxcsr = 0;
    __asm__ volatile("stmxcsr %0\n\tfnstcw %1" : "=m"(mxcsr), "=m"(st->x87));
    st->fpctl = mxcsr;
#elif defined(__aarch64__)
    __asm__ volatile("mrs %0, tpidr_el0\n\tmrs %1, fpcr" : "=r"(st->tp), "=r"(st->fpctl));
#elif defined(__riscv)
    __asm__ volatile("mv %0, tp\n\tmv %1, gp\n\tfrcsr %2" : "=r"(st->tp), "=r"(st->gp), "=r"(st->fpctl));
#endif
}

static inline __attribute__((always_inline)) void sl_cpu_state_restore(const struct sl_cpu_state *st)
{
#if defined(__x86_64__)
    unsigned int mxcsr = (unsigned int)st->fpctl;
    __asm__ volatile("cld\n\tldmxcsr %0\n\tfldcw %1" : : "m"(mxcsr), "m"(st->x87) : "memory");
    syscall(SYS_arch_prctl, 0x1002 /* ARCH_SET_FS */, st->tp);
#elif defined(__aarch64__)
    __asm__ volatile("msr tpidr_el0, %0\n\tmsr fpcr, %1" : : "r"(st->tp), "r"(st->fpctl) : "memory");
#elif defined(__riscv)
    __asm__ volatile("mv tp, %0\n\tmv gp, %1\n\tfscsr %2" : : "r"(st->tp), "r"(st->gp), "r"(st->fpctl) : "memory");
#endif
}

#define SL_MAX_REGIONS 96
#define SL_LOOP_MAGIC 0x5eed100f

/* What the loop child puts back after each mutant: writable memory as it was at its fork. */
struct sl_region { unsigned char *start, *copy; size_t len; };

/* Everything the loop itself depends on, in a mapping of its own that is PROT_NONE while a
 * mutant runs: a wild write (a flipped store walking down the heap into .bss was seen) would
 * otherwise reach the jump buffer or the region table, and the loop child would end or put back
 * memory differently from how a fresh child dies. Touching it then faults, as touching an
 * unmapped page does in a fresh child. The copy of memory is PROT_NONE for the same reason. */
struct sl_loop_ctl {
    sigjmp_buf env;
    int magic, cmd_fd, say_fd, nregions, mask;
    long long off; /* the mutant being run: its byte (-1: none) and mask */
    size_t page, bytes, copy_bytes, map_total, image_len;
    uintptr_t brk;
    struct sl_cpu_state cpu; /* as the copy was taken */
    pid_t pid;               /* the loop child's: a process a mutant forked never comes back */
    long long seq;           /* the mutant's number, echoed in its "D" record */
    int armed;               /* 1 while a mutant runs: only then does a fault or timer come back */
    unsigned char *map_base, *entry, *case_stack, *copy;
    struct sl_region regions[SL_MAX_REGIONS];
    char *maps_then, *maps_now; /* /proc/self/maps as the copy was taken, and after a mutant */
    unsigned char pristine[]; /* [import stubs | image] as mapped, to check the unflip; then the maps texts */
};

/* Memory no mutant reads that the loop child need not copy: the runner's own big buffers. */
struct sl_span { uintptr_t start, end; };
static struct sl_span sl_loop_skip[12];
static int sl_loop_nskip;
static void sl_loop_skip_add(const void *p, size_t len)
{
    if (p != NULL && len > 0 && sl_loop_nskip < 12)
        sl_loop_skip[sl_loop_nskip++] = (struct sl_span){ (uintptr_t)p, (uintptr_t)p + len };
}

/* The runner's ends of the loop child's pipes, closed in every other child it forks. */
static int sl_loop_fds[3] = { -1, -1, -1 };
static void sl_close_loop_fds(void)
{
    for (int i = 0; i < 3; i++) if (sl_loop_fds[i] >= 0) close(sl_loop_fds[i]);
}

/* Back to the loop from a handler or the end of the cases. Returns only when the way back is gone
 * (its pointer or magic overwritten): the caller then ends the process as a fresh child would. */
static size_t sl_loop_ctl_bytes;
static void sl_loop_settle(void);
static void sl_loop_return(int how)
{
    struct sl_loop_ctl *c = sl_loop_ctl;
    if (c == NULL || mprotect(c, sl_loop_ctl_bytes, PROT_READ | PROT_WRITE) != 0 || c->magic != SL_LOOP_MAGIC) return;
    /* Once per mutant, and never in a process the mutant forked (it ends as it would have). */
    if (!c->armed || c->pid != getpid()) { mprotect(c, sl_loop_ctl_bytes, PROT_NONE); return; }
    c->armed = 0;
    /* No timer may fire, and no fault come back, while the loop reports and cleans up: a fault
     * there now kills the loop child, which the runner sees between two mutants. */
    sl_loop_settle();
    sl_cpu_state_restore(&c->cpu);
    siglongjmp(c->env, how);
}

static unsigned long long sl_parse_hex(const char **p)
{
    unsigned long long v = 0;
    for (;; (*p)++) {
        char c = **p;
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0) return v;
        v = v * 16 + (unsigned)d;
    }
}

static int sl_add_region(struct sl_loop_ctl *c, uintptr_t start, uintptr_t end)
{
    /* Page-aligned pieces of [start, end) outside every skipped span. */
    for (int i = 0; i < sl_loop_nskip && start < end; i++) {
        uintptr_t s = (sl_loop_skip[i].start + c->page - 1) / c->page * c->page, e = sl_loop_skip[i].end / c->page * c->page;
        if (s >= e || e <= start || s >= end) continue;
        if (s > start && !sl_add_region(c, start, s)) return 0;
        start = e;
    }
    if (start >= end) return 1;
    if (c->nregions == SL_MAX_REGIONS) return 0;
    c->regions[c->nregions++] = (struct sl_region){ (unsigned char *)start, NULL, end - start };
    return 1;
}

/* Where the loop child asks for its own two mappings (a hint: the kernel or qemu may place them
 * elsewhere): far below where mmap hands out memory, so every mapping a mutant's malloc makes
 * lands where it lands in a fresh child, next to the same neighbours (a flipped stride that
 * walked off a large malloc'd array into the mapping above it crashed elsewhere when that mapping
 * was the loop child's copy). */
#define SL_LOOP_FAR ((void *)(uintptr_t)0x100000000000ull)

/* Read with raw system calls into buffers of the loop child's own, not stdio: the loop child allocates nothing
 * before its copy is taken, so its heap is the heap every fresh child starts with, and nothing
 * after a mutant either, whose heap may be wrecked (glibc would abort in malloc). The mappings as
 * the copy was taken are kept, and compared after each mutant. */
static char sl_maps_text[1 << 16];
#define SL_MAPS_BYTES (1 << 16)

/* The text of /proc/self/maps into buf, NUL-terminated; its length, or -1. */
static ssize_t sl_read_maps(char *buf, size_t cap)
{
    int fd = open("/proc/self/maps", O_RDONLY);
    if (fd < 0) return -1;
    size_t n = 0;
    ssize_t r;
    while (n < cap - 1 && (r = read(fd, buf + n, cap - 1 - n)) > 0) n += (size_t)r;
    close(fd);
    if (n == 0 || n >= cap - 1) return -1;
    buf[n] = 0;
    return (ssize_t)n;
}


/* Maps the control block and takes the copy. Returns NULL when it cannot (no /proc, too many
 * mappings): the runner then forks once per mutant. */

static struct sl_loop_ctl *sl_loop_snapshot(int cmd_fd, int say_fd)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t bytes = (sizeof(struct sl_loop_ctl) + sl_map_total + 2 * SL_MAPS_BYTES + page - 1) / page * page;
    struct sl_loop_ctl *c = mmap(SL_LOOP_FAR, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (c == MAP_FAILED) return NULL;
    c->magic = SL_LOOP_MAGIC;
    c->cmd_fd = cmd_fd;
    c->say_fd = say_fd;
    c->page = page;
    c->bytes = bytes;
    c->map_base = sl_map_base;
    c->map_total = sl_map_total;
    c->entry = sl_entry;
    c->image_len = sl_image_len;
    c->case_stack = sl_case_stack;
    memcpy(c->pristine, sl_map_base, sl_map_total);
    c->maps_then = (char *)c->pristine + sl_map_total;
    c->maps_now = c->maps_then + SL_MAPS_BYTES;
    sl_loop_skip_add(c, bytes);
    sl_loop_skip_add(sl_maps_text, sizeof sl_maps_text);
    sl_loop_skip_add(sl_case_stack, SL_CASE_STACK);
    if (sl_read_maps(sl_maps_text, sizeof sl_maps_text) < 0) return NULL;
    for (const char *p = sl_maps_text; *p; ) {
        uintptr_t start = (uintptr_t)sl_parse_hex(&p);
        if (*p++ != '-') return NULL;
        uintptr_t end = (uintptr_t)sl_parse_hex(&p);
        if (*p++ != ' ') return NULL;
        int writable = p[0] == 'r' && p[1] == 'w' && p[3] == 'p';
        const char *eol = strchr(p, '\n');
        if (eol == NULL) eol = p + strlen(p);
        /* The main stack holds the loop's own frames; a mutant's cases run on the case stack. */
        int stack = memmem(p, (size_t)(eol - p), "[stack]", 7) != NULL;
        if (writable && !stack && !sl_add_region(c, start, end)) return NULL;
        p = *eol ? eol + 1 : eol;
    }
    size_t total = 0;
    for (int i = 0; i < c->nregions; i++) total += c->regions[i].len;
    c->copy_bytes = total ? total : 1;
    c->copy = mmap((char *)SL_LOOP_FAR + bytes + page, c->copy_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (c->copy == MAP_FAILED) return NULL;
    unsigned char *at = c->copy;
    for (int i = 0; i < c->nregions; i++) { c->regions[i].copy = at; at += c->regions[i].len; }
    c->brk = (uintptr_t)syscall(SYS_brk, 0);
    sl_cpu_state_save(&c->cpu);
    c->pid = getpid();
    /* Set before the copy is taken, so that putting memory back keeps them. */
    sl_loop_ctl_bytes = c->bytes;
    sl_loop_ctl = c;
    for (int i = 0; i < c->nregions; i++) memcpy(c->regions[i].copy, c->regions[i].start, c->regions[i].len);
    mprotect(c->copy, c->copy_bytes, PROT_NONE);
    if (sl_read_maps(c->maps_then, SL_MAPS_BYTES) < 0) return NULL; /* as they will be after each mutant */
    return c;
}

/* Puts back what the last mutant changed: every page that differs from the copy, then a fresh case
 * stack (its pages were zero in the runner, which never runs cases on it). A mutant that moved the
 * program break has retired the loop child already. */
static int sl_loop_restore(struct sl_loop_ctl *c)
{
    if (mprotect(c->copy, c->copy_bytes, PROT_READ) != 0) return 0;
    for (int i = 0; i < c->nregions; i++) {
        const struct sl_region *r = &c->regions[i];
        for (size_t off = 0; off < r->len; off += c->page) {
            const uint64_t *now = (const uint64_t *)(r->start + off), *was = (const uint64_t *)(r->copy + off);
            size_t words = c->page / 8;
            for (size_t k = 0; k < words; k++)
                if (now[k] != was[k]) { memcpy(r->start + off, r->copy + off, c->page); break; }
        }
    }
    mprotect(c->copy, c->copy_bytes, PROT_NONE);
    if (mmap(c->case_stack, SL_CASE_STACK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0) != c->case_stack) return 0;
    mprotect(c->case_stack, c->page, PROT_NONE);
    return 1;
}

/* After the runner's warm-up (sl_warm): its memory put back from the copy taken before (when the
 * program break did not move: qemu-user would keep the pages of a break moved back down), then
 * the copy dropped. A driver that cannot take a copy does no warm-up at all. */
static void sl_warm_forget(struct sl_loop_ctl *c, int restore)
{
    size_t bytes = c->bytes, copy_bytes = c->copy_bytes;
    unsigned char *copy = c->copy;
    if (restore && (uintptr_t)syscall(SYS_brk, 0) == c->brk) sl_loop_restore(c);
    sl_loop_ctl = NULL; /* the runner is no loop child (the copy held the pointer, set before it was taken) */
    sl_loop_ctl_bytes = 0;
    munmap(copy, copy_bytes);
    munmap(c, bytes);
}

static void sl_on_timer(int sig)
{
    sl_loop_return(sig);
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Timers off and every handler back to its default: async-signal-safe, called from a handler. */
static void sl_loop_settle(void)
{
    struct itimerval off = { { 0, 0 }, { 0, 0 } };
    setitimer(ITIMER_PROF, &off, NULL);
    setitimer(ITIMER_REAL, &off, NULL);
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGPROF, SIGALRM };
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) sigaction(sigs[i], &dfl, NULL);
}

static void sl_flip_at(unsigned char *base, size_t total, unsigned char *entry, long long off, int mask)
{
    mprotect(base, total, PROT_READ | PROT_WRITE);
    entry[off] ^= (unsigned char)mask;
    mprotect(base, total, PROT_READ | PROT_EXEC);
    __builtin___clear_cache((char *)base, (char *)base + total);
}

static void sl_flip(long long off, int mask) { sl_flip_at(sl_map_base, sl_map_total, sl_entry, off, mask); }

static void sl_loop_say(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) _exit(66);
        s += w;
        n -= (size_t)w;
    }
}

/* One mutant on the command pipe: its number, byte offset (-1: none) and mask, fixed size. */
struct sl_loop_cmd { long long seq, off; int mask, pad; };

/* "<what> <seq> [<e|s> <code or signal>]": one record to the runner, formatted without stdio. */
static void sl_loop_record(const struct sl_loop_ctl *c, char what, char kind, int value)
{
    char buf[64];
    size_t n = 0;
    buf[n++] = what;
    buf[n++] = ' ';
    sl_put_num(buf, &n, c->seq);
    if (kind) {
        buf[n++] = ' ';
        buf[n++] = kind;
        buf[n++] = ' ';
        sl_put_num(buf, &n, value);
    }
    buf[n++] = '\n';
    sl_loop_say(c->say_fd, buf, n);
}

/* The loop child. Says "N" and ends when it cannot take its copy; then, per mutant, "S <seq>" once
 * the command is read, "D <seq> <e|s> <code or signal>" once its cases ended, and "K <seq>" once it
 * is clean for the next one; or it ends, when what the mutant did cannot be undone. */
static void __attribute__((noreturn)) sl_loop_child(int cmd_fd, int say_fd, const sl_case_fn *cases, int ncases, long budget_ms,
                                                    void (*bind)(void *))
{
    setpgid(0, 0);
    if (sl_devnull >= 0) dup2(sl_devnull, 0);
    signal(SIGPIPE, SIG_DFL); /* as a fresh child has it (the runner ignores it, see sl_loop_start) */
    struct sl_loop_ctl *c = sl_loop_snapshot(cmd_fd, say_fd);
    if (c == NULL) { sl_loop_say(say_fd, "N\n", 2); _exit(0); }
    for (;;) {
        struct sl_loop_cmd cmd;
        size_t got = 0;
        while (got < sizeof cmd) {
            ssize_t r = read(c->cmd_fd, (char *)&cmd + got, sizeof cmd - got);
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0) _exit(0);
            got += (size_t)r;
        }
        /* The mutant is kept in the block, not in locals a wild write to the main stack could reach. */
        c->seq = cmd.seq;
        c->off = cmd.off < (long long)c->image_len ? cmd.off : -1;
        c->mask = cmd.mask;
        sl_loop_record(c, 'S', 0, 0);
        if (c->off >= 0) sl_flip_at(c->map_base, c->map_total, c->entry, c->off, c->mask);
        bind(c->entry);
        int how = sigsetjmp(c->env, 1);
        if (how == 0) {
            c->armed = 1;
            mprotect(c, c->bytes, PROT_NONE);
            /* The same path as a fresh child's (sl_child_run), so the case stack holds the same
             * frames: sl_child_setup arms this child again (sl_arm_child), and sl_child_body comes
             * back through sl_loop_return when the cases returned. */
            sl_child_run(cases, ncases, 0, budget_ms);
        }
        /* Back through sl_loop_return, which made the block writable again, stopped the timers,
         * put the handlers and the processor state back. The outcome goes out first: should what
         * follows fault (the heap or the stack may be wrecked), the loop child dies after it. */
        sl_loop_record(c, 'D', how == SL_LOOP_DONE ? 'e' : 's', how == SL_LOOP_DONE ? 0 : how);
        if (c->off >= 0) sl_flip_at(c->map_base, c->map_total, c->entry, c->off, c->mask);
        /* Retire after what a copy of memory cannot undo: a process the mutant started (alive or
         * not yet reaped), a file it left, an image that is not as mapped. */
        pid_t w = waitpid(-1, NULL, WNOHANG);
        int retire = !(w == -1 && errno == ECHILD);
        if (sl_sandboxed && (!sl_dir_empty("/tmp") || !sl_dir_empty("/dev/shm"))) retire = 1;
        if (memcmp(c->map_base, c->pristine, c->map_total) != 0) retire = 1;
        /* The heap grew (under qemu-user a break moved back down keeps its pages mapped, so a
         * later overrun that faults in a fresh child would not), or any mapping was made, changed
         * or removed (a mapping left behind moves where later ones land). */
        if ((uintptr_t)syscall(SYS_brk, 0) != c->brk) retire = 1;
        else if (sl_read_maps(c->maps_now, SL_MAPS_BYTES) < 0 || strcmp(c->maps_now, c->maps_then) != 0) retire = 1;
        if (retire || !sl_loop_restore(c)) _exit(0); /* the runner sees it gone before the next mutant's "S" */
        sl_loop_record(c, 'K', 0, 0);
    }
}

/* The runner's side: the live loop child, if any. */
static pid_t sl_loop_pid;
static int sl_loop_usable = 1; /* cleared when a loop child could not take its copy */

static void sl_loop_gone(void);

/* Ends the live loop child, if any. */
static void sl_loop_end(void)
{
    if (sl_loop_pid <= 0) return;
    kill(-sl_loop_pid, SIGKILL);
    kill(sl_loop_pid, SIGKILL);
    while (waitpid(sl_loop_pid, NULL, 0) < 0 && errno == EINTR) { }
    sl_loop_gone();
}

/* After the loop child was reaped: its pipes closed, what it left behind cleaned up. */
static void sl_loop_gone(void)
{
    kill(-sl_loop_pid, SIGKILL);
    sl_close_loop_fds();
    for (int i = 0; i < 3; i++) sl_loop_fds[i] = -1;
    sl_loop_pid = 0;
    (void)sl_after_child();
}

static int sl_loop_start(const sl_case_fn *cases, int ncases, void (*bind)(void *), long budget_ms)
{
    int cmd[2], out[2], say[2];
    if (pipe(cmd) != 0) return 0;
    if (pipe(out) != 0) { close(cmd[0]); close(cmd[1]); return 0; }
    if (pipe(say) != 0) { close(cmd[0]); close(cmd[1]); close(out[0]); close(out[1]); return 0; }
    fflush(stdout);
    /* A loop child can die between two mutants; the runner's next write then fails (EPIPE), it
     * does not kill the runner. Every child puts SIGPIPE back as it was. */
    signal(SIGPIPE, SIG_IGN);
    pid_t pid = fork();
    if (pid < 0) { close(cmd[0]); close(cmd[1]); close(out[0]); close(out[1]); close(say[0]); close(say[1]); return 0; }
    if (pid == 0) {
        close(cmd[1]); close(out[0]); close(say[0]);
        dup2(out[1], 1);
        close(out[1]);
        sl_loop_child(cmd[0], say[1], cases, ncases, budget_ms, bind);
    }
    close(cmd[0]); close(out[1]); close(say[1]);
    sl_loop_fds[0] = cmd[1];
    sl_loop_fds[1] = out[0];
    sl_loop_fds[2] = say[0];
    sl_loop_pid = pid;
    return 1;
}

/* Reads what the loop child printed into out, as the fork path does: past cap bytes the rest
 * is thrown away and the output counts as capped. Returns the read's result. */
static ssize_t sl_loop_read(char *out, size_t cap, size_t *got, int *capped)
{
    char sink[4096];
    ssize_t n = *got < cap ? read(sl_loop_fds[1], out + *got, cap - *got) : read(sl_loop_fds[1], sink, sizeof sink);
    if (n > 0) {
        if (*got < cap) *got += (size_t)n;
        else *capped = 1;
    }
    return n;
}

/* Runs one flip in the loop child; fills out (at most cap bytes), *capped and *status as the fork
 * path does. Returns 0 when no loop child could run it (the caller forks one child for it). */
static int sl_loop_mutant(long long off, int mask, char *out, size_t cap, size_t *got_out, int *capped_out, int *status_out,
                          const sl_case_fn *cases, int ncases, void (*bind)(void *), long budget_ms)
{
    for (int attempt = 0; attempt < 2 && sl_loop_usable; attempt++) {
        if (sl_loop_pid <= 0 && !sl_loop_start(cases, ncases, bind, budget_ms)) return 0;
        static long long seq;
        struct sl_loop_cmd cmd = { ++seq, off, mask, 0 };
        if (write(sl_loop_fds[0], &cmd, sizeof cmd) != (ssize_t)sizeof cmd) { sl_loop_end(); continue; }
        size_t got = 0;
        int capped = 0, started = 0, done = 0, clean = 0, dead = 0, status = 0, out_eof = 0;
        char say[128];
        size_t said = 0;
        /* Until it is clean for the next mutant, or gone. Records of another number are stale. */
        while (!clean && !dead) {
            /* poll skips an entry whose fd is negative: the output pipe once it has ended. */
            struct pollfd pfd[2] = { { out_eof ? -1 : sl_loop_fds[1], POLLIN, 0 }, { sl_loop_fds[2], POLLIN, 0 } };
            int r = poll(pfd, 2, 20);
            if (r > 0 && pfd[0].revents) {
                ssize_t n = sl_loop_read(out, cap, &got, &capped);
                if (n == 0) out_eof = 1;
                if (capped) { kill(-sl_loop_pid, SIGKILL); kill(sl_loop_pid, SIGKILL); }
            }
            if (r > 0 && pfd[1].revents) {
                ssize_t n = read(sl_loop_fds[2], say + said, sizeof say - 1 - said);
                if (n > 0) {
                    said += (size_t)n;
                    say[said] = 0;
                    char *line = say, *nl;
                    while ((nl = strchr(line, '\n')) != NULL) {
                        *nl = 0;
                        char kind = 0;
                        int value = 0;
                        long long at = -1;
                        if (line[0] == 'N') sl_loop_usable = 0;
                        else if (sscanf(line + 1, " %lld", &at) == 1 && at == cmd.seq) {
                            if (line[0] == 'S') started = 1;
                            else if (line[0] == 'K' && done) clean = 1;
                            else if (line[0] == 'D' && started && !done && sscanf(line, "D %lld %c %d", &at, &kind, &value) == 3) {
                                done = 1;
                                status = kind == 'e' ? (value & 0xff) << 8 : (value & 0x7f);
                            }
                        }
                        line = nl + 1;
                    }
                    said = strlen(line);
                    memmove(say, line, said + 1);
                }
            }
            int died = 0;
            if (waitpid(sl_loop_pid, done ? &died : &status, WNOHANG) == sl_loop_pid) dead = 1;
        }
        if (done) {
            /* Its output was written before "D": all of it is in the pipe now. */
            int fl = fcntl(sl_loop_fds[1], F_GETFL);
            fcntl(sl_loop_fds[1], F_SETFL, fl | O_NONBLOCK);
            while (sl_loop_read(out, cap, &got, &capped) > 0) { }
            fcntl(sl_loop_fds[1], F_SETFL, fl);
            if (dead) sl_loop_gone(); /* retired after it, or died cleaning up: the outcome stands */
            else if (capped) sl_loop_end();
        } else {
            /* It died (already reaped) with this mutant: as a fresh child would have, if it had
             * read it. Anything it started dies (its group, then every process of the uid inside
             * a sandbox) before the rest of its output is drained, which then cannot block. */
            kill(-sl_loop_pid, SIGKILL);
            (void)sl_after_child();
            int fl = fcntl(sl_loop_fds[1], F_GETFL);
            fcntl(sl_loop_fds[1], F_SETFL, fl | O_NONBLOCK);
            while (!out_eof && sl_loop_read(out, cap, &got, &capped) > 0) { }
            sl_loop_gone();
            if (!started) { memset(out, 0, got); continue; } /* it died before this mutant: again */
        }
        *got_out = got;
        *capped_out = capped;
        *status_out = status;
        return 1;
    }
    return 0;
}

/* One mutant ("F" or "I") in a child forked for it alone. Returns 1 when it ran (out, *got,
 * *capped and *status filled), 0 when no child could be forked, -1 when no pipe could be made. */
static int sl_fork_mutant(int mode, long long off, int mask, size_t len, void *const *imports, int nimports,
                          const sl_case_fn *cases, int ncases, void (*bind)(void *), long timeout_ms,
                          char *out, size_t cap, size_t *got_out, int *capped_out, int *status_out)
{
    int fds[2];
    if (pipe(fds) != 0) return -1;
    pid_t child = fork();
    if (child < 0) { close(fds[0]); close(fds[1]); return 0; }
    if (child == 0) {
        sl_child_begin(fds);
        /* stdout keeps the runner's buffer (empty: flushed before every fork), so the child
         * allocates nothing before its first case. */
        if (mode == 'I') {
            if (sl_map_code(replacement, len, imports, nimports) == NULL) { fflush(stdout); _exit(65); }
        } else if (off >= 0) sl_flip(off, mask); /* in the child's private copy: the runner's image stays pristine */
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
    *got_out = got;
    *capped_out = capped;
    *status_out = status;
    return 1;
}

static int sl_serve(const sl_case_fn *cases, int ncases, void *const *imports, int nimports,
                    void (*bind)(void *), const char *expect_path, long timeout_ms, int warm, int fork_each,
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
    /* Buffers of the runner's alone, which a loop child need not put back after each mutant. */
    sl_loop_skip_add(out, cap + 1);
    sl_loop_skip_add(sl_image_out, sizeof sl_image_out);
    sl_loop_skip_add(replacement, sizeof replacement);
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

        size_t got = 0;
        int capped = 0, status = 0;
        int ran = mode == 'F' && !fork_each
            && sl_loop_mutant(off, mask, out, cap, &got, &capped, &status, cases, ncases, bind, timeout_ms);
        if (!ran) {
            int started = sl_fork_mutant(mode, off, mask, (size_t)len, imports, nimports, cases, ncases, bind, timeout_ms,
                                         out, cap, &got, &capped, &status);
            if (started < 0) { printf("#error pipe: %s\n", strerror(errno)); fflush(stdout); return 66; }
            if (!started) { printf("R %lld could_not_start 0 0 -1\n", id); fflush(stdout); continue; }
        }
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
    sl_loop_end();
    return 0;
}


#endif

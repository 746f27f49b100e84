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
 *   #fault <sig> <offset>    the child took a fault; offset is the faulting PC minus the entry
 *                            (-1 when the PC is outside the image)
 * Anything else on stdout (an artifact that prints) is ignored by the parser.
 *
 * --serve (the persistent runner, Sandbox/PersistentRunner.cs): the image is loaded once; each
 * stdin line "F <id> <offset> <mask>" (flip bits of one byte; offset -1 = no change) or
 * "I <id> <length>" followed by that many raw bytes (a whole replacement image) forks a child
 * that applies the change to its private copy and runs every case; the parent answers one line
 *   R <id> <outcome> <signal> <cases passed> <fault offset>
 * comparing the child's output with --expect FILE (one expected line per case). "Q" quits.
 */
#ifndef SL_RUNTIME_H
#define SL_RUNTIME_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* REG_RIP and friends; the generated driver defines it first */
#endif
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <ucontext.h>
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
    if (len == 0 || len > SL_MAX_IMAGE) { printf("#error image size %lld outside 1..%d bytes\n", (long long)len, SL_MAX_IMAGE); return NULL; }
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t total = (SL_TABLE_BYTES + len + page - 1) / page * page;
    unsigned char *base = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) { printf("#error mmap: %s\n", strerror(errno)); return NULL; }
    for (int i = 0; i < nimports && (i + 1) * SL_SLOT <= SL_TABLE_BYTES; i++)
        sl_write_stub(base + i * SL_SLOT, imports[i]);
    memcpy(base + SL_TABLE_BYTES, image, len);
    if (mprotect(base, total, PROT_READ | PROT_EXEC) != 0) { printf("#error mprotect: %s\n", strerror(errno)); return NULL; }
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
    if (fd < 0) { printf("#error cannot open %s: %s\n", path, strerror(errno)); return NULL; }
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size < 0 || st.st_size > SL_MAX_IMAGE) {
        printf("#error %s: size %lld outside 0..%d bytes\n", path, (long long)st.st_size, SL_MAX_IMAGE);
        close(fd);
        return NULL;
    }
    unsigned char *buf = malloc((size_t)st.st_size + 1);
    size_t got = 0;
    while (buf && got < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
        if (n <= 0) { printf("#error read %s: %s\n", path, strerror(errno)); close(fd); free(buf); return NULL; }
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
    char buf[64];
    size_t n = 0;
    memcpy(buf, "#fault ", 7); n = 7;
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

static void sl_child_setup(long timeout_ms)
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
    if (timeout_ms > 0) {
        /* A hang is a hang once the budget is spent: SIGALRM ends the child (default action). */
        struct itimerval it = { { 0, 0 }, { timeout_ms / 1000, (timeout_ms % 1000) * 1000 } };
        setitimer(ITIMER_REAL, &it, NULL);
    }
}

typedef void (*sl_case_fn)(void);

static long long sl_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int sl_serve(const sl_case_fn *cases, int ncases, void *const *imports, int nimports,
                    void (*bind)(void *), const char *expect_path, long timeout_ms);

/* argv: driver (--bare IMAGE | --linked | --serve IMAGE --expect FILE) [--time R] [--timeout-ms T]
 * The cases run in a forked child: a crash, a hang or an exit() in the artifact ends only the
 * child, and the parent still reports how it ended. */
static int sl_main(int argc, char **argv, const sl_case_fn *cases, int ncases,
                   void *const *imports, int nimports, void (*bind)(void *), void *linked_fn)
{
    const char *image = NULL, *serve = NULL, *expect = NULL;
    long repeats = 0, timeout_ms = 0;
    int linked = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--bare") == 0 && i + 1 < argc) image = argv[++i];
        else if (strcmp(argv[i], "--linked") == 0) linked = 1;
        else if (strcmp(argv[i], "--serve") == 0 && i + 1 < argc) serve = argv[++i];
        else if (strcmp(argv[i], "--expect") == 0 && i + 1 < argc) expect = argv[++i];
        else if (strcmp(argv[i], "--time") == 0 && i + 1 < argc) repeats = atol(argv[++i]);
        else if (strcmp(argv[i], "--timeout-ms") == 0 && i + 1 < argc) timeout_ms = atol(argv[++i]);
        else { printf("#error usage: %s (--bare IMAGE | --linked | --serve IMAGE --expect FILE) [--time R] [--timeout-ms T]\n", argv[0]); return 64; }
    }
    if (serve != NULL) {
        setvbuf(stdout, NULL, _IOFBF, 1 << 16);
        if (expect == NULL) { puts("#error --serve needs --expect FILE"); return 64; }
        if (sl_load_image(serve, imports, nimports) == NULL) { fflush(stdout); return 65; }
        return sl_serve(cases, ncases, imports, nimports, bind, expect, timeout_ms);
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
        sl_child_setup(timeout_ms);
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


/* ---- The persistent runner ---- */

static const char *sl_outcome(int status, int capped, int passed, int ncases, int *sig)
{
    *sig = 0;
    if (capped) return "killed_by_limit";
    if (WIFSIGNALED(status)) {
        *sig = WTERMSIG(status);
        if (*sig == SIGALRM) return "timed_out";
        if (*sig == SIGXCPU || *sig == SIGXFSZ || *sig == SIGKILL) return "killed_by_limit";
        return "crashed";
    }
    if (WEXITSTATUS(status) != 0) return "wrong_output";
    return passed == ncases ? "passed" : "wrong_output";
}

static int sl_serve(const sl_case_fn *cases, int ncases, void *const *imports, int nimports,
                    void (*bind)(void *), const char *expect_path, long timeout_ms)
{
    size_t elen = 0;
    char *etext = (char *)sl_read_file(expect_path, &elen);
    if (etext == NULL) { fflush(stdout); return 65; }
    char **expected = calloc((size_t)ncases + 1, sizeof *expected);
    int ne = 0;
    for (char *line = strtok(etext, "\n"); line && ne < ncases; line = strtok(NULL, "\n")) expected[ne++] = line;
    if (ne != ncases) { printf("#error %s has %d lines for %d cases\n", expect_path, ne, ncases); fflush(stdout); return 65; }
    const size_t cap = 1 << 18;
    char *out = malloc(cap + 1);
    char *seen = malloc((size_t)ncases + 1);
    unsigned char *replacement = NULL;
    puts("#ready");
    fflush(stdout);

    char cmd[128];
    while (fgets(cmd, sizeof cmd, stdin) != NULL) {
        long long id = 0, off = -1, len = 0;
        int mask = 0, mode = cmd[0];
        if (mode == 'Q') break;
        if (mode == 'F' && sscanf(cmd + 1, "%lld %lld %d", &id, &off, &mask) == 3) {
            if (off >= (long long)sl_image_len) off = -1;
        } else if (mode == 'I' && sscanf(cmd + 1, "%lld %lld", &id, &len) == 2 && len >= 0 && len <= SL_MAX_IMAGE) {
            free(replacement);
            replacement = malloc((size_t)len + 1);
            if (replacement == NULL || fread(replacement, 1, (size_t)len, stdin) != (size_t)len) { puts("#error short image on stdin"); fflush(stdout); return 65; }
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
            setpgid(0, 0);
            close(fds[0]);
            dup2(fds[1], 1);
            close(fds[1]);
            setvbuf(stdout, NULL, _IOFBF, 1 << 16);
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
            sl_child_setup(timeout_ms);
            for (int i = 0; i < ncases; i++) cases[i]();
            fflush(stdout);
            _exit(0);
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
        out[got] = 0;

        int passed = 0;
        long long fault = -1;
        memset(seen, 0, (size_t)ncases);
        for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
            if (line[0] == '@') {
                char *sp = strchr(line, ' ');
                int idx = atoi(line + 1);
                /* The first report of a case counts, as in DriverProtocol.cs. */
                if (sp && idx >= 0 && idx < ncases && !seen[idx]) { seen[idx] = 1; passed += strcmp(sp + 1, expected[idx]) == 0; }
            } else if (strncmp(line, "#fault ", 7) == 0) {
                int fsig = 0;
                sscanf(line + 7, "%d %lld", &fsig, &fault);
            }
        }
        int sig = 0;
        const char *outcome = sl_outcome(status, capped, passed, ncases, &sig);
        printf("R %lld %s %d %d %lld\n", id, outcome, sig, passed, fault);
        fflush(stdout);
    }
    return 0;
}


#endif

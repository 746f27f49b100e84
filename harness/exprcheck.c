/* exprcheck: runs candidate bare images of `int f(int, int, int)` on fixed inputs, each in its
 * own forked child (a crash or a hang ends only that child), and prints what each returned.
 * Used to measure the neural model's hidden-test pass rate on held-out exprgen functions: the
 * expected values come from the real compiler's build of the same source, run the same way.
 * Runs only inside the sandbox: the images are untrusted.
 *
 * argv: exprcheck FILE [--budget-ms B]
 * FILE: first line "K a1 b1 c1 ... aK bK cK"; then one image per line, as hex ("-" = empty).
 * Output, one line per image: "I ok r1 ... rK" | "I crashed SIG" | "I timed_out" |
 * "I exited CODE" | "I empty" | "I no_result". */
/* The runtime's source, not only its interface: this program uses its loader and child set-up. */
#include "sl_runtime.c"

#define MAX_INPUTS 64
static int ck_n;
static int ck_in[MAX_INPUTS][3];
static int ck_out[MAX_INPUTS];
static int (*ck_fn)(int, int, int);

static void ck_body(void)
{
    for (int k = 0; k < ck_n; k++) ck_out[k] = ck_fn(ck_in[k][0], ck_in[k][1], ck_in[k][2]);
}

static int ck_hex(int c) { return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1; }

int main(int argc, char **argv)
{
    if (argc < 2) { puts("#error usage: exprcheck FILE [--budget-ms B]"); return 64; }
    long budget = 200;
    if (argc >= 4 && strcmp(argv[2], "--budget-ms") == 0) budget = atol(argv[3]);
    size_t len = 0;
    char *text = (char *)sl_read_file(argv[1], &len);
    if (text == NULL) return 65;
    sl_devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    char *save = NULL;
    char *line = strtok_r(text, "\n", &save);
    if (line == NULL) { puts("#error empty input"); return 65; }
    char *p = line;
    ck_n = (int)strtol(p, &p, 10);
    if (ck_n < 1 || ck_n > MAX_INPUTS) { puts("#error bad input count"); return 65; }
    for (int k = 0; k < ck_n; k++)
        for (int j = 0; j < 3; j++) ck_in[k][j] = (int)strtol(p, &p, 10);
    static unsigned char image[SL_MAX_IMAGE];
    for (int index = 0; (line = strtok_r(NULL, "\n", &save)) != NULL; index++) {
        size_t n = 0;
        for (const char *h = line; h[0] && h[1] && n < SL_MAX_IMAGE; h += 2) {
            int hi = ck_hex(h[0]), lo = ck_hex(h[1]);
            if (hi < 0 || lo < 0) break;
            image[n++] = (unsigned char)(hi * 16 + lo);
        }
        if (n == 0) { printf("%d empty\n", index); continue; }
        fflush(stdout);
        int fds[2];
        if (pipe(fds) != 0) { printf("#error pipe: %s\n", strerror(errno)); return 66; }
        pid_t child = fork();
        if (child < 0) { printf("#error fork: %s\n", strerror(errno)); return 66; }
        if (child == 0) {
            close(fds[0]);
            dup2(fds[1], 1);
            sl_child_setup(budget);
            ck_fn = (int (*)(int, int, int))sl_map_code(image, n, NULL, 0);
            if (ck_fn == NULL) _exit(70);
            sl_scrub_stack();
            sl_clean_call(ck_body);
            char buf[16 * MAX_INPUTS + 8];
            size_t at = 0;
            buf[at++] = 'R';
            for (int k = 0; k < ck_n; k++) { buf[at++] = ' '; sl_put_num(buf, &at, ck_out[k]); }
            buf[at++] = '\n';
            if (write(1, buf, at) < 0) _exit(71);
            _exit(0);
        }
        close(fds[1]);
        char out[4096];
        size_t got = 0;
        ssize_t r;
        while ((r = read(fds[0], out + got, sizeof out - 1 - got)) > 0) {
            got += (size_t)r;
            if (got >= sizeof out - 1) { char sink[4096]; while (read(fds[0], sink, sizeof sink) > 0) { } break; }
        }
        close(fds[0]);
        out[got] = 0;
        int status = 0;
        while (waitpid(child, &status, 0) < 0 && errno == EINTR) { }
        if (WIFSIGNALED(status)) {
            int sig = WTERMSIG(status);
            if (sig == SIGPROF || sig == SIGALRM) printf("%d timed_out\n", index);
            else printf("%d crashed %d\n", index, sig);
        } else if (WEXITSTATUS(status) != 0) printf("%d exited %d\n", index, WEXITSTATUS(status));
        else {
            char *res = strstr(out, "R ");
            /* The result line is the last thing the child writes; code that wrote to fd 1 itself
             * comes before it. */
            char *last = res;
            while (res && (res = strstr(res + 1, "\nR ")) != NULL) last = res + 1;
            if (last == NULL) printf("%d no_result\n", index);
            else { char *nl = strchr(last, '\n'); if (nl) *nl = 0; printf("%d ok%s\n", index, last + 1); }
        }
    }
    fflush(stdout);
    return 0;
}

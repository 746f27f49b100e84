using System.Diagnostics;
using Sourceless.Harness;
using Sourceless.Sandbox;
using Sourceless.Tasks;
using Sourceless.Targets;
using Sourceless.Tests.Support;
using Sourceless.Trials;

namespace Sourceless.Tests.Sandbox;

/// <summary>
/// Bare runs through pooled runners (Sandbox/ImageRunnerPool.cs) against the same runs one sandbox
/// each: the real harness, sandbox, gcc and qemu. A pooled run must store what a one-off run
/// stores, whatever the code does, and nothing one run starts may reach the next.
/// </summary>
public sealed class PooledRunSpecs : IDisposable
{
    private readonly TempFolder _tmp = new("sl-pooled");
    private readonly TrialServices _pooled, _oneOff;

    public PooledRunSpecs()
    {
        // One driver cache for both, so the two run the same driver binaries.
        string cache = _tmp.Sub("drivers");
        _pooled = new TrialServices(_tmp.Sub("pooled"), 2, driverCache: cache, pooledRuns: true);
        _oneOff = new TrialServices(_tmp.Sub("one-off"), 2, driverCache: cache, pooledRuns: false);
    }

    public void Dispose()
    {
        _pooled.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _tmp.Dispose();
    }

    private static TaskDefinition Task(string name) => TaskSuite.Load(SourcelessHome.TasksDir).Select(name)[0];

    private async Task<TestPlan> PlanAsync(string task, CancellationToken ct) =>
        await _pooled.Planner.PlanAsync(Task(task), Task(task).V1, 1, ct);

    private Task<byte[]> ImageAsync(string source, string entry, Isa isa, CancellationToken ct) =>
        Images.CompileAsync(source, entry, isa, _tmp.Sub("img-" + Guid.NewGuid().ToString("N")[..8]), ct);

    private static string Reference(string task) =>
        File.ReadAllText(Path.Combine(SourcelessHome.TasksDir, task, "ref.c")).Replace("#include \"task.h\"", "");

    public static TheoryData<string> Isas => new() { "x86_64", "aarch64" };

    [Theory(Timeout = 180_000)]
    [MemberData(nameof(Isas))]
    public async Task A_pooled_run_stores_what_a_run_in_a_sandbox_of_its_own_stores(string isaName)
    {
        var ct = TestContext.Current.CancellationToken;
        var isa = Isa.Parse(isaName);
        var addSat = await PlanAsync("add_sat", ct);
        var bucket = await PlanAsync("bucket_of", ct);
        var cases = new List<(string What, TestPlan Plan, byte[] Code, int Repeats)>
        {
            ("honest, timed", addSat, await ImageAsync(Reference("add_sat"), "add_sat", isa, ct), 5),
            ("off by one", addSat, await ImageAsync("int add_sat(int a, int b) { return a + b + 1; }", "add_sat", isa, ct), 0),
            // Its result is the low bits of its input's heap address: equal only if the heap a pooled
            // child sees is the heap of a fresh driver (why the runner does no warm-up run).
            ("computes with an address", bucket, await ImageAsync("int bucket_of(const char *key, int n) { return (int)(long)key * -546 + n; }", "bucket_of", isa, ct), 0),
            // Its result is the low bits of its own stack address: equal only if every test child
            // runs its cases on the same stack, whichever way it was started.
            ("computes with its stack address", addSat, await ImageAsync("int add_sat(int a, int b) { volatile int x = a; return (int)(long)&x + x + b; }", "add_sat", isa, ct), 0),
            ("null write", addSat, await ImageAsync("int add_sat(int a, int b) { *(volatile int *)(long)(a & 0) = b; return a; }", "add_sat", isa, ct), 0),
            ("spins", addSat, await ImageAsync("int add_sat(int a, int b) { for (;;) __asm__ volatile (\"\"); return a + b; }", "add_sat", isa, ct), 0),
        };
        foreach (var (what, plan, code, repeats) in cases)
        {
            var sw = Stopwatch.StartNew();
            var alone = await _oneOff.Runner.RunBareAsync(plan, isa, code, ct, timeRepeats: repeats);
            var pooled = await _pooled.Runner.RunBareAsync(plan, isa, code, ct, timeRepeats: repeats);
            Assert.True(alone.Outcome with { RuntimeNs = null } == pooled.Outcome with { RuntimeNs = null },
                $"{what} on {isa}: {alone.Outcome} alone, {pooled.Outcome} pooled");
            Assert.Equal(alone.Outcome.RuntimeNs is null, pooled.Outcome.RuntimeNs is null);
            // The stored command line is a one-off run's, so it reproduces the run by itself.
            Assert.Contains("--bare", pooled.Raw.CommandLine);
            Assert.DoesNotContain("--serve", pooled.Raw.CommandLine);
        }
        Assert.True(_pooled.Runner.Pooled);
        // The spin loop ends at the CPU limit of a test run, a second, in both ways.
        Assert.Equal(OutcomeKind.KilledByLimit, (await _pooled.Runner.RunBareAsync(addSat, isa, cases[^1].Code, ct)).Outcome.Kind);
    }

    private static int ProcessesOf(IReadOnlyList<int> uids) => SandboxProcesses.Count([.. uids]);

    [Fact(Timeout = 120_000)]
    public async Task A_process_that_leaves_its_run_dies_before_the_next_run()
    {
        var ct = TestContext.Current.CancellationToken;
        var plan = await PlanAsync("add_sat", ct);
        // Each case forks a process that leaves the child's process group (setsid) and spins: the
        // runner's kill of the child's group cannot reach it, only its kill(-1) after the run.
        var leaver = await ImageAsync(Images.X86Syscalls + """
            int add_sat(int a, int b)
            {
                if (sc(57 /* fork */, 0, 0, 0) == 0)
                {
                    sc(112 /* setsid */, 0, 0, 0);
                    sc(157 /* prctl */, 15 /* PR_SET_NAME */, (long)"sl-leaver", 0);
                    for (;;) __asm__ volatile ("");
                }
                return a + b;
            }
            """, "add_sat", Isa.X86_64, ct);
        await _pooled.Runner.RunBareAsync(plan, Isa.X86_64, leaver, ct);
        var honest = await ImageAsync(Reference("add_sat"), "add_sat", Isa.X86_64, ct);
        Assert.Equal(OutcomeKind.Passed, (await _pooled.Runner.RunBareAsync(plan, Isa.X86_64, honest, ct)).Outcome.Kind);
        // None of the processes it left behind is alive (they name themselves sl-leaver), and one
        // runner is idle: the only process left of this sandbox's pool uids (as root the sandbox's
        // pid 1 belongs to root).
        Assert.Equal(0, SandboxProcesses.Named("sl-leaver"));
        Assert.Equal(1, ProcessesOf(_pooled.Sandbox.PoolUids));
        await _pooled.Runner.CloseIdleAsync();
        var deadline = Stopwatch.StartNew();
        while (ProcessesOf(_pooled.Sandbox.PoolUids) > 0 && deadline.Elapsed < TimeSpan.FromSeconds(10)) await System.Threading.Tasks.Task.Delay(100, ct);
        Assert.Equal(0, ProcessesOf(_pooled.Sandbox.PoolUids));
    }

    /// <summary>Searches its own memory (every readable and writable mapping, from /proc/self/maps)
    /// for protocol lines, "~" + 24 hex digits + "~@" + a case's report + newline, and prints each
    /// it finds before returning a wrong answer: a replay of an earlier run's answers, if any
    /// were left in the runner that it is a copy of.</summary>
    private const string Replayer = Images.X86Syscalls + """
        static int hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }
        static unsigned long parse(const char *p, const char **end)
        {
            unsigned long v = 0;
            for (;; p++) { int d = *p >= 'a' ? *p - 'a' + 10 : *p - '0'; if (!hex(*p)) break; v = v * 16 + (unsigned long)d; }
            *end = p;
            return v;
        }
        int add_sat(int a, int b)
        {
            char maps[16384]; /* on the stack: a bare image has no writable data */
            long fd = sc(2, (long)"/proc/self/maps", 0, 0);
            if (fd < 0) return a + b + 1;
            long n = 0, r;
            while (n < (long)sizeof maps - 1 && (r = sc(0, fd, (long)(maps + n), (long)sizeof maps - 1 - n)) > 0) n += r;
            sc(3, fd, 0, 0);
            maps[n] = 0;
            for (const char *line = maps; *line; ) {
                const char *p;
                unsigned long lo = parse(line, &p), hi = parse(p + 1, &p);
                int rw = p[1] == 'r' && p[2] == 'w';
                for (; *line && *line != '\n'; line++) { }
                if (*line) line++;
                if (!rw || hi - lo > (4ul << 20)) continue; /* not the 8 MiB case stack: the budget is 1 s */
                for (const char *m = (const char *)lo; m + 32 < (const char *)hi; m++) {
                    if (m[0] != '~' || m[25] != '~' || m[26] != '@') continue;
                    int ok = 1;
                    for (int k = 1; k < 25; k++) ok &= hex(m[k]);
                    if (!ok) continue;
                    const char *e = m + 27;
                    while (e < (const char *)hi && *e != '\n' && *e != '~' && *e != 0 && e - m < 200) e++;
                    if (e < (const char *)hi && *e == '\n' && e - m > 28) sc(1, 1, (long)m, e - m + 1);
                }
            }
            return a + b + 1;
        }
        """;

    [Fact(Timeout = 120_000)]
    public async Task No_run_can_read_an_earlier_runs_answers_from_its_runner()
    {
        var ct = TestContext.Current.CancellationToken;
        var plan = await PlanAsync("add_sat", ct);
        var honest = await ImageAsync(Reference("add_sat"), "add_sat", Isa.X86_64, ct);
        var replayer = await ImageAsync(Replayer, "add_sat", Isa.X86_64, ct);
        // The honest run leaves its answers nowhere in the runner; the replayer, run next in the
        // same runner, finds none to print, and fails as it does in a sandbox of its own.
        Assert.Equal(OutcomeKind.Passed, (await _pooled.Runner.RunBareAsync(plan, Isa.X86_64, honest, ct)).Outcome.Kind);
        var pooled = await _pooled.Runner.RunBareAsync(plan, Isa.X86_64, replayer, ct);
        var alone = await _oneOff.Runner.RunBareAsync(plan, Isa.X86_64, replayer, ct);
        Assert.Equal(OutcomeKind.WrongOutput, alone.Outcome.Kind);
        Assert.Equal(alone.Outcome, pooled.Outcome);
    }

    [Fact(Timeout = 120_000)]
    public async Task An_artifact_that_kills_its_runner_is_run_again_in_a_sandbox_of_its_own()
    {
        var ct = TestContext.Current.CancellationToken;
        var plan = await PlanAsync("add_sat", ct);
        var killer = await ImageAsync(Images.X86Syscalls + """
            int add_sat(int a, int b) { sc(62 /* kill */, sc(110 /* getppid */, 0, 0, 0), 9, 0); return a + b; }
            """, "add_sat", Isa.X86_64, ct);
        var alone = await _oneOff.Runner.RunBareAsync(plan, Isa.X86_64, killer, ct);
        var pooled = await _pooled.Runner.RunBareAsync(plan, Isa.X86_64, killer, ct);
        Assert.Equal(OutcomeKind.CouldNotStart, alone.Outcome.Kind);
        Assert.Equal(alone.Outcome.Kind, pooled.Outcome.Kind);
        // The runner it killed is gone; the next run starts a new one.
        var honest = await ImageAsync(Reference("add_sat"), "add_sat", Isa.X86_64, ct);
        Assert.Equal(OutcomeKind.Passed, (await _pooled.Runner.RunBareAsync(plan, Isa.X86_64, honest, ct)).Outcome.Kind);
    }
}

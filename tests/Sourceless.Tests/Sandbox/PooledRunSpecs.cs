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
                if (sc(57 /* fork */, 0, 0, 0) == 0) { sc(112 /* setsid */, 0, 0, 0); for (;;) __asm__ volatile (""); }
                return a + b;
            }
            """, "add_sat", Isa.X86_64, ct);
        await _pooled.Runner.RunBareAsync(plan, Isa.X86_64, leaver, ct);
        var honest = await ImageAsync(Reference("add_sat"), "add_sat", Isa.X86_64, ct);
        Assert.Equal(OutcomeKind.Passed, (await _pooled.Runner.RunBareAsync(plan, Isa.X86_64, honest, ct)).Outcome.Kind);
        // One runner is idle now, and it is the only process left of the pool's uids (as root the
        // sandbox's pid 1 belongs to root).
        Assert.Equal(1, ProcessesOf(_pooled.Sandbox.PoolUids));
        await _pooled.Runner.CloseIdleAsync();
        var deadline = Stopwatch.StartNew();
        while (ProcessesOf(_pooled.Sandbox.PoolUids) > 0 && deadline.Elapsed < TimeSpan.FromSeconds(10)) await System.Threading.Tasks.Task.Delay(100, ct);
        Assert.Equal(0, ProcessesOf(_pooled.Sandbox.PoolUids));
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

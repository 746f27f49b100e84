using Sourceless.Sandbox;
using Sourceless.Targets;

namespace Sourceless.Harness;

/// <summary>One sandboxed run of a task's tests: the outcome, and the raw sandbox result behind it.</summary>
public sealed record Execution(Outcome Outcome, SandboxResult Raw);

/// <summary>Runs a test plan against code inside the sandbox: bare images through the ISA's bare
/// driver, or a linked driver as it is. Nothing untrusted runs outside <see cref="Sandbox.Sandbox"/>.
/// Bare images go through a pooled runner of their driver when <paramref name="pooled"/> (the
/// default): the same child, limits and output as a one-off run, without a sandbox and qemu start
/// per run (<see cref="ImageRunnerPool"/>).</summary>
public sealed class ArtifactRunner(HarnessBuilder harness, Sandbox.Sandbox sandbox, bool pooled = true) : IAsyncDisposable
{
    public Sandbox.Sandbox Sandbox => sandbox;

    private readonly ImageRunnerPool? _pool = pooled ? new ImageRunnerPool(sandbox) : null;

    /// <summary>Whether bare runs go through pooled runners.</summary>
    public bool Pooled => _pool is not null;

    /// <summary>Closes idle pooled runners now (they close by themselves after a few idle seconds).</summary>
    public Task CloseIdleAsync() => _pool?.CloseIdleAsync() ?? Task.CompletedTask;

    public ValueTask DisposeAsync() => _pool?.DisposeAsync() ?? ValueTask.CompletedTask;

    public async Task<Execution> RunBareAsync(TestPlan plan, Isa isa, byte[] code, CancellationToken ct,
        string libDepVersion = LibDep.Current, int timeRepeats = 0, int timeoutMs = 0)
    {
        string driver = await harness.BareDriverAsync(plan, isa, ct);
        string image = harness.Workspace.ImagePath(code);
        List<string> Args(int factor)
        {
            var args = new List<string> { "--bare", image };
            if (timeRepeats > 0) args.AddRange(["--time", timeRepeats.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            if (timeoutMs > 0) args.AddRange(["--timeout-ms", (timeoutMs * factor).ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            return args;
        }
        if (_pool is not null && await RunPooledAsync(plan, isa, driver, code, image, Args(1), timeRepeats, timeoutMs, libDepVersion, ct) is { } pooledRun)
        {
            // Confirmed the way a one-off run is: a fresh sandbox with ConfirmFactor times the wall clock decides.
            return pooledRun.Outcome.Kind != OutcomeKind.TimedOut ? pooledRun : await ConfirmAsync(plan, isa, driver, Args, [image], libDepVersion, ct);
        }
        return await RunConfirmedAsync(plan, isa, driver, Args, [image], libDepVersion, ct);
    }

    /// <summary>The run through a pooled runner of this driver, or null when no runner could do it.</summary>
    private async Task<Execution?> RunPooledAsync(TestPlan plan, Isa isa, string driver, byte[] code, string image,
        IReadOnlyList<string> bareArgs, int timeRepeats, int timeoutMs, string libDepVersion, CancellationToken ct)
    {
        var l = TestLimits;
        string key = $"{driver}\n{isa.Name}\n{libDepVersion}";
        var bare = await RequestAsync(plan, isa, driver, [.. bareArgs, "--token"], [image], libDepVersion, ct) with { Limits = l };
        var raw = await _pool!.RunAsync(key,
            token => RequestAsync(plan, isa, driver,
                // No warm-up: it would leave the cases' inputs on the runner's heap, and code that
                // computes with an address (an input's pointer, a stale register) would see another
                // heap than a one-off run's. Under qemu it saves little (15 vs 18 ms a run).
                ["--serve", "none", "--no-warm", "--sandboxed", "--token", "--child-cpu", Inv(l.CpuSeconds), "--child-wall-ms", Inv((long)l.WallClock.TotalMilliseconds),
                 "--child-cap", Inv(l.OutputBytes)], [], libDepVersion, token),
            code, timeRepeats, timeoutMs, uid => sandbox.CommandLineOf(bare, uid), ct);
        return raw is null ? null : new Execution(OutcomeClassifier.Classify(raw, plan.Expected), raw);
    }

    private static string Inv(long v) => v.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public Task<Execution> RunLinkedAsync(TestPlan plan, Isa isa, string linkedDriver, CancellationToken ct,
        string libDepVersion = LibDep.Current) =>
        RunConfirmedAsync(plan, isa, linkedDriver, _ => ["--linked"], [], libDepVersion, ct);

    /// <summary>The limits of one run of a task's tests: the sandbox's, with its CPU limit for tests.</summary>
    public SandboxLimits TestLimits => sandbox.Limits with { CpuSeconds = Math.Min(sandbox.Limits.CpuSeconds, sandbox.Limits.TestCpuSeconds) };

    /// <summary>How much longer a confirmation run may take than the first: the sandbox's factor.</summary>
    public const int ConfirmFactor = global::Sourceless.Sandbox.Sandbox.ConfirmFactor;

    /// <summary>
    /// A run that ran out of time is confirmed before it is called timed out: it runs again with
    /// <see cref="ConfirmFactor"/> times the wall clock (and CPU budget), and that run decides. A
    /// busy machine can stretch an honest run past the wall clock; a run that really hangs stays
    /// hung. Runs killed by the CPU rlimit need no second look: CPU time is the program's own, and
    /// the limit is some 10^5 times what any task's tests take.
    /// </summary>
    private async Task<Execution> RunConfirmedAsync(TestPlan plan, Isa isa, string driver, Func<int, IReadOnlyList<string>> args,
        IReadOnlyList<string> extraPaths, string libDepVersion, CancellationToken ct)
    {
        var first = await RunAsync(plan, isa, driver, args(1), extraPaths, libDepVersion, ct);
        return first.Outcome.Kind != OutcomeKind.TimedOut ? first : await ConfirmAsync(plan, isa, driver, args, extraPaths, libDepVersion, ct);
    }

    /// <summary>The deciding run of one that timed out: a fresh sandbox, ConfirmFactor times the wall clock.</summary>
    private Task<Execution> ConfirmAsync(TestPlan plan, Isa isa, string driver, Func<int, IReadOnlyList<string>> args,
        IReadOnlyList<string> extraPaths, string libDepVersion, CancellationToken ct) =>
        RunAsync(plan, isa, driver, args(ConfirmFactor), extraPaths, libDepVersion, ct, TestLimits with { WallClock = TestLimits.WallClock * ConfirmFactor });

    /// <summary>Where the run's own files are inside the sandbox: fixed paths, whatever the run
    /// folder (so argv, the environment and the stack layout are the same in every run folder).</summary>
    public const string InsideDriver = "/sl/driver", InsideLib = "/sl/lib", InsideFiles = "/sl/in";

    /// <summary>The sandbox request that runs a driver of this plan on an ISA. The sandbox sees the
    /// driver file, libdep's build and the named files, at fixed paths under /sl, never the plan's
    /// folder (its reference objects and driver source stay outside). Arguments naming one of the
    /// bound host paths are rewritten to its inside path.</summary>
    public async Task<SandboxRequest> RequestAsync(TestPlan plan, Isa isa, string driver, IReadOnlyList<string> args,
        IReadOnlyList<string> extraPaths, string libDepVersion, CancellationToken ct)
    {
        string libdir = await harness.LibDep.FolderAsync(isa, libDepVersion, ct);
        var binds = new List<SandboxBind> { new(driver, InsideDriver), new(libdir, InsideLib) };
        binds.AddRange(extraPaths.Select((p, i) => new SandboxBind(p, $"{InsideFiles}/{i}{Path.GetExtension(p)}")));
        var inside = binds.ToDictionary(b => b.Host, b => b.Inside);
        return new SandboxRequest(isa, InsideDriver, args.Select(a => inside.GetValueOrDefault(a, a)).ToList(), [],
            new Dictionary<string, string> { ["LD_LIBRARY_PATH"] = InsideLib }) { Binds = binds };
    }

    public HarnessBuilder Harness => harness;

    private async Task<Execution> RunAsync(TestPlan plan, Isa isa, string driver, IReadOnlyList<string> args,
        IReadOnlyList<string> extraPaths, string libDepVersion, CancellationToken ct, SandboxLimits? limits = null)
    {
        string token = DriverReport.NewToken();
        var request = await RequestAsync(plan, isa, driver, [.. args, "--token"], extraPaths, libDepVersion, ct);
        var raw = await sandbox.RunAsync(request with { StandardInput = $"T {token}\n", Limits = limits ?? TestLimits }, ct);
        // From here on only the driver's own lines exist: parsers and stored rows never see what
        // the artifact printed, nor the token.
        raw = raw with { StandardOutput = DriverReport.Authentic(raw.StandardOutput, token) };
        return new Execution(OutcomeClassifier.Classify(raw, plan.Expected), raw);
    }
}

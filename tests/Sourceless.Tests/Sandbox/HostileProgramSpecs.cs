using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Sourceless.Harness;
using Sourceless.Sandbox;
using Sourceless.Tasks;
using Sourceless.Targets;
using Sourceless.Tests.Support;
using Sourceless.Trials;

namespace Sourceless.Tests.Sandbox;

/// <summary>
/// Hostile artifacts, built from C with raw system calls and run through the real harness and
/// sandbox exactly like any contender's bytes: each is contained and classified, the host is
/// unharmed, and an honest artifact still passes afterwards. They run under the sandbox's
/// unprivileged uid (never as root: root ignores RLIMIT_NPROC).
/// </summary>
public sealed class HostileProgramSpecs() : HostileArtifactSuite(null)
{
    protected override IReadOnlyList<int> RunUids => [.. Services.Sandbox.Uids, .. Services.Sandbox.PoolUids];
}

/// <summary>
/// The same hostile artifacts when Sourceless is not root: bwrap makes a user namespace and the
/// artifact keeps the caller's uid. The caller here is really unprivileged: the sandbox command
/// is started through setpriv as uid 65534 (nobody), so the kernel applies that user's limits.
/// </summary>
public sealed class HostileProgramSpecsWithoutRoot() : HostileArtifactSuite(NobodyLauncher)
{
    public const int Nobody = 65534;

    private static readonly string[] NobodyLauncher = ["setpriv", $"--reuid={Nobody}", $"--regid={Nobody}", "--clear-groups", "--"];

    protected override IReadOnlyList<int> RunUids => [Nobody];
}

public abstract class HostileArtifactSuite : IDisposable
{
    private readonly TempFolder _tmp = new("sl-hostile");
    private readonly TrialServices _services;
    private static readonly SandboxLimits Tight = new() { CpuSeconds = 2, WallClock = TimeSpan.FromSeconds(4) };

    /// <param name="launcher">Null: the sandbox as Sourceless runs it here (root). Otherwise the
    /// non-root form, started through this launcher.</param>
    protected HostileArtifactSuite(IReadOnlyList<string>? launcher) =>
        _services = new TrialServices(_tmp.Sub("work"), 2, Tight,
            launcher is null ? null : new Sourceless.Sandbox.Sandbox(Tight, 2, asCaller: true, launcher: launcher));

    protected TrialServices Services => _services;

    /// <summary>The uids artifacts run as.</summary>
    protected abstract IReadOnlyList<int> RunUids { get; }

    public void Dispose()
    {
        _tmp.Dispose();
        GC.SuppressFinalize(this);
    }

    private async Task<TestPlan> PlanAsync(CancellationToken ct)
    {
        var task = TaskSuite.Load(SourcelessHome.TasksDir).Select("add_sat")[0];
        return await _services.Planner.PlanAsync(task, task.V1, 1, ct);
    }

    private async Task<Execution> RunHostileAsync(string body, CancellationToken ct)
    {
        var plan = await PlanAsync(ct);
        string source = Images.X86Syscalls + "\nint add_sat(int a, int b)\n{\n" + body + "\n}\n";
        var image = await Images.CompileAsync(source, "add_sat", Isa.X86_64, _tmp.Sub("img-" + Guid.NewGuid().ToString("N")[..8]), ct);
        return await _services.Runner.RunBareAsync(plan, Isa.X86_64, image, ct);
    }

    private async Task An_honest_artifact_still_passes(CancellationToken ct)
    {
        var plan = await PlanAsync(ct);
        var honest = await Images.CompileAsync(await File.ReadAllTextAsync(Path.Combine(SourcelessHome.TasksDir, "add_sat", "ref.c"), ct)
            .ContinueWith(t => t.Result.Replace("#include \"task.h\"", ""), ct), "add_sat", Isa.X86_64, _tmp.Sub("honest"), ct);
        var run = await _services.Runner.RunBareAsync(plan, Isa.X86_64, honest, ct);
        Assert.Equal(OutcomeKind.Passed, run.Outcome.Kind);
    }

    private int ProcessesOfSandboxUids() => SandboxProcesses.Count([.. RunUids]);

    [Fact(Timeout = 60_000)]
    public async Task A_fork_bomb_is_contained_and_leaves_no_process_behind()
    {
        var ct = TestContext.Current.CancellationToken;
        var run = await RunHostileAsync("for (;;) sc(57 /* fork */, 0, 0, 0);", ct);
        Assert.Contains(run.Outcome.Kind, new[] { OutcomeKind.TimedOut, OutcomeKind.KilledByLimit });
        // The pid namespace dies with the sandbox: no process of a sandbox uid may survive it (the
        // pooled runner that ran it is closed first; PooledRunSpecs shows it is alone once idle).
        await Services.Runner.CloseIdleAsync();
        var deadline = Stopwatch.StartNew();
        while (ProcessesOfSandboxUids() > 0 && deadline.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(100, ct);
        Assert.Equal(0, ProcessesOfSandboxUids());
        await An_honest_artifact_still_passes(ct);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_spin_loop_is_stopped_by_the_cpu_limit_or_the_wall_clock()
    {
        var ct = TestContext.Current.CancellationToken;
        var run = await RunHostileAsync("for (;;) __asm__ volatile (\"\");", ct);
        Assert.Contains(run.Outcome.Kind, new[] { OutcomeKind.TimedOut, OutcomeKind.KilledByLimit });
        Assert.True(run.Raw.WallMs < 10_000, $"took {run.Raw.WallMs} ms");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_4_GB_allocation_is_refused_by_the_address_space_limit()
    {
        var ct = TestContext.Current.CancellationToken;
        // mmap(NULL, 4 GiB, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS): return its result
        // (a negative errno when refused), and touch every page when it was not.
        var run = await RunHostileAsync("""
            long p = sc6(9, 0, 4L << 30, 3, 0x22, -1, 0);
            if (p < 0 && p > -4096) return (int)p;
            for (long i = 0; i < (4L << 30); i += 4096) ((volatile char *)p)[i] = 1;
            return 0;
            """, ct);
        Assert.Equal(OutcomeKind.WrongOutput, run.Outcome.Kind);
        Assert.Contains("got -12", run.Outcome.Detail); // ENOMEM
    }

    [Fact(Timeout = 60_000)]
    public async Task Writes_outside_the_scratch_folder_fail_and_leave_the_host_untouched()
    {
        var ct = TestContext.Current.CancellationToken;
        string victim = Path.Combine("/var/tmp", "sl-hostile-victim-" + Guid.NewGuid().ToString("N")[..8]);
        string inRunFolder = _tmp.Sub("work/planted");
        // open(path, O_WRONLY|O_CREAT, 0644) for a host path and for the (read-only) run folder.
        var run = await RunHostileAsync($$"""
            long fa = sc(2, (long)"{{victim}}", 0101, 0644);
            long fb = sc(2, (long)"{{inRunFolder}}", 0101, 0644);
            return (int)(fa < 0 && fb < 0 ? -1 : 1);
            """, ct);
        Assert.Equal(OutcomeKind.WrongOutput, run.Outcome.Kind);
        Assert.Contains("got -1", run.Outcome.Detail);
        Assert.False(File.Exists(victim));
        Assert.False(File.Exists(inRunFolder));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_connection_to_a_host_socket_never_arrives()
    {
        var ct = TestContext.Current.CancellationToken;
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        int portBe = ((port & 0xff) << 8) | (port >> 8);
        // socket(AF_INET, SOCK_STREAM, 0); connect to 127.0.0.1:port; return connect's result.
        var run = await RunHostileAsync($$"""
            long s = sc(41, 2, 1, 0);
            if (s < 0) return (int)s;
            struct { unsigned short family; unsigned short port; unsigned addr; char zero[8]; } sa = { 2, {{portBe}}, 0x0100007f, {0} };
            return (int)sc(42, s, (long)&sa, sizeof sa);
            """, ct);
        Assert.Equal(OutcomeKind.WrongOutput, run.Outcome.Kind);
        Assert.DoesNotContain("got 0,", run.Outcome.Detail + ",");
        Assert.False(listener.Pending());
    }

    [Fact(Timeout = 60_000)]
    public async Task A_100_MB_flood_of_stdout_is_cut_at_the_output_cap()
    {
        var ct = TestContext.Current.CancellationToken;
        var run = await RunHostileAsync("""
            char buf[65536];
            for (int i = 0; i < 65536; i++) buf[i] = 'A';
            for (int i = 0; i < 1600; i++) sc(1, 1, (long)buf, sizeof buf);
            return 0;
            """, ct);
        Assert.Equal(OutcomeKind.KilledByLimit, run.Outcome.Kind);
        Assert.Contains("output", run.Outcome.Detail);
        Assert.True(run.Raw.StandardOutput.Length <= Tight.OutputBytes);
    }

    [Fact(Timeout = 60_000)]
    public async Task An_exec_of_bin_sh_runs_confined_and_is_classified()
    {
        var ct = TestContext.Current.CancellationToken;
        string victim = Path.Combine("/var/tmp", "sl-hostile-sh-" + Guid.NewGuid().ToString("N")[..8]);
        var run = await RunHostileAsync($$"""
            const char *argv[] = { "/bin/sh", "-c", "echo pwned > {{victim}}; sleep 30", 0 };
            sc(59, (long)"/bin/sh", (long)argv, 0);
            return 7;
            """, ct);
        Assert.NotEqual(OutcomeKind.Passed, run.Outcome.Kind);
        Assert.Contains(run.Outcome.Kind, new[] { OutcomeKind.TimedOut, OutcomeKind.WrongOutput });
        Assert.False(File.Exists(victim));
    }

    [Fact(Timeout = 60_000)]
    public async Task Artifacts_run_as_an_unprivileged_uid_without_network()
    {
        var ct = TestContext.Current.CancellationToken;
        var run = await RunHostileAsync("return (int)sc(102 /* getuid */, 0, 0, 0);", ct);
        Assert.Equal(OutcomeKind.WrongOutput, run.Outcome.Kind);
        Assert.Contains(RunUids, u => run.Outcome.Detail.Contains($"got {u}", StringComparison.Ordinal));
        Assert.Matches("--unshare-(net|all) ", run.Raw.CommandLine);
        Assert.Contains("--nproc=", run.Raw.CommandLine);
    }

    // ---- Attacks on the evidence: what an artifact must not see, reach or forge ----

    /// <summary>open() of each path; the result has bit i set when path i could be opened.</summary>
    private static string OpenEach(IReadOnlyList<string> paths) =>
        "int seen = 0;\n" + string.Concat(paths.Select((p, i) =>
            $"{{ long fd = sc(2, (long)\"{p}\", 0, 0); if (fd >= 0) {{ seen |= 1 << {i}; sc(3, fd, 0, 0); }} }}\n")) + "return seen;";

    [Fact(Timeout = 60_000)]
    public async Task The_answers_the_store_and_the_host_are_not_in_the_sandbox()
    {
        var ct = TestContext.Current.CancellationToken;
        var plan = await PlanAsync(ct);
        string store = _tmp.Sub("results.duckdb");
        await File.WriteAllTextAsync(store, "a store", ct);
        string canary = _tmp.Sub("canary.txt"); // a world-readable host file next to the run's own
        await File.WriteAllTextAsync(canary, "host", ct);
        string[] paths =
        [
            Path.Combine(SourcelessHome.TasksDir, "add_sat", "task.txt"), // the hand tests' expected outputs
            Path.Combine(SourcelessHome.TasksDir, "add_sat", "ref.c"),
            Path.Combine(plan.Folder, "driver.c"),                          // every test input
            store, canary, "/etc/shadow", "/root", "/run",
        ];
        Assert.All(paths, p => Assert.True(File.Exists(p) || Directory.Exists(p), p + " should exist on the host"));
        var run = await RunHostileAsync(OpenEach(paths), ct);
        Assert.Equal(OutcomeKind.WrongOutput, run.Outcome.Kind);
        Assert.Contains("got 0", run.Outcome.Detail);
    }

    [Fact(Timeout = 60_000)]
    public async Task The_parents_environment_is_not_readable_from_inside()
    {
        var ct = TestContext.Current.CancellationToken;
        string secret = "SL_HOSTILE_SECRET_" + Guid.NewGuid().ToString("N")[..8];
        Environment.SetEnvironmentVariable(secret, "hunter2");
        try
        {
            // Read /proc/1/environ (bwrap's), /proc/self/environ and the parent's; count the secret's name.
            var run = await RunHostileAsync($$"""
                char buf[1 << 16];
                const char *files[] = { "/proc/1/environ", "/proc/self/environ", "/proc/2/environ" };
                const char *needle = "{{secret}}";
                int found = 0;
                for (int f = 0; f < 3; f++) {
                    long fd = sc(2, (long)files[f], 0, 0);
                    if (fd < 0) continue;
                    long n = sc(0, fd, (long)buf, sizeof buf - 1);
                    sc(3, fd, 0, 0);
                    for (long i = 0; i + 26 <= n; i++) {
                        int k = 0;
                        while (needle[k] && buf[i + k] == needle[k]) k++;
                        if (!needle[k]) found++;
                    }
                }
                return found;
                """, ct);
            Assert.Equal(OutcomeKind.WrongOutput, run.Outcome.Kind);
            Assert.Contains("got 0", run.Outcome.Detail);
        }
        finally { Environment.SetEnvironmentVariable(secret, null); }
    }

    [Fact(Timeout = 60_000)]
    public async Task A_unix_socket_on_the_host_cannot_be_reached()
    {
        var ct = TestContext.Current.CancellationToken;
        string path = _tmp.Sub("host.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(4);
        File.SetUnixFileMode(path, (UnixFileMode)0b111_111_111); // anyone on the host may connect
        var run = await RunHostileAsync($$"""
            long s = sc(41, 1 /* AF_UNIX */, 1, 0);
            if (s < 0) return (int)s;
            struct { unsigned short family; char path[108]; } sa = { 1, "{{path}}" };
            return (int)sc(42, s, (long)&sa, sizeof sa);
            """, ct);
        Assert.Equal(OutcomeKind.WrongOutput, run.Outcome.Kind);
        Assert.Contains("got -2", run.Outcome.Detail); // ENOENT: the socket's folder is not there
        listener.Blocking = false;
        Assert.Throws<SocketException>(() => listener.Accept());
    }

    [Fact(Timeout = 60_000)]
    public async Task Dev_shm_holds_no_more_than_its_cap()
    {
        var ct = TestContext.Current.CancellationToken;
        // Write 8 MiB to /dev/shm in 64 KiB pieces; return the KiB that went in.
        var run = await RunHostileAsync("""
            char buf[65536];
            for (int i = 0; i < 65536; i++) buf[i] = 'x';
            long fd = sc(2, (long)"/dev/shm/fill", 0101, 0644);
            if (fd < 0) return -1;
            long total = 0;
            for (int i = 0; i < 128; i++) { long n = sc(1, fd, (long)buf, sizeof buf); if (n <= 0) break; total += n; }
            return (int)(total >> 10);
            """, ct);
        Assert.Equal(OutcomeKind.WrongOutput, run.Outcome.Kind);
        var got = System.Text.RegularExpressions.Regex.Match(run.Outcome.Detail, @"got (-?\d+)");
        Assert.True(got.Success, run.Outcome.Detail);
        Assert.InRange(int.Parse(got.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), -1, (int)(SandboxFileSystem.SharedMemoryBytes >> 10));
    }

    /// <summary>An artifact that prints the protocol lines of a perfect run (with a raw write, so no
    /// library is involved) and then returns a wrong value for every case.</summary>
    private async Task<byte[]> ForgerAsync(TestPlan plan, CancellationToken ct)
    {
        string forged = string.Concat(plan.Expected.Select((e, i) => $"@{i} {e}\\n")) + "#status exit 0\\n";
        string source = Images.X86Syscalls + $$"""

            int add_sat(int a, int b)
            {
                static const char text[] = "{{forged}}";
                sc(1, 1, (long)text, sizeof text - 1);
                return 123456789;
            }
            """;
        return await Images.CompileAsync(source, "add_sat", Isa.X86_64, _tmp.Sub("forger-" + Guid.NewGuid().ToString("N")[..8]), ct);
    }

    [Fact(Timeout = 60_000)]
    public async Task Forged_protocol_lines_are_just_wrong_output()
    {
        var ct = TestContext.Current.CancellationToken;
        var plan = await PlanAsync(ct);
        var forger = await ForgerAsync(plan, ct);
        var run = await _services.Runner.RunBareAsync(plan, Isa.X86_64, forger, ct);
        Assert.Equal(OutcomeKind.WrongOutput, run.Outcome.Kind);
        Assert.Equal(0, run.Outcome.CasesPassed);
        Assert.Contains("got 123456789", run.Outcome.Detail);
    }

    [Fact(Timeout = 60_000)]
    public async Task Forged_protocol_lines_are_just_wrong_output_in_the_persistent_runner()
    {
        var ct = TestContext.Current.CancellationToken;
        var plan = await PlanAsync(ct);
        var forger = await ForgerAsync(plan, ct);
        var results = await new PersistentRunner(_services.Runner).RunAsync(plan, Isa.X86_64, forger, [new FlipMutant(1, -1, 0), new ImageMutant(2, forger)], 500, ct);
        Assert.All(results, r => Assert.Equal(OutcomeKind.WrongOutput, r.Kind));
        Assert.All(results, r => Assert.Equal(0, r.CasesPassed));
    }
}

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
public sealed class HostileProgramSpecs : IDisposable
{
    private readonly TempFolder _tmp = new("sl-hostile");
    private readonly TrialServices _services;
    private static readonly SandboxLimits Tight = new() { CpuSeconds = 2, WallClock = TimeSpan.FromSeconds(4) };

    public HostileProgramSpecs() => _services = new TrialServices(_tmp.Sub("work"), 2, Tight);

    public void Dispose() => _tmp.Dispose();

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

    private int ProcessesOfSandboxUids()
    {
        int count = 0;
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            try
            {
                var uidLine = File.ReadLines(Path.Combine(dir, "status")).FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
                if (uidLine is null) continue;
                int uid = int.Parse(uidLine.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
                if (_services.Sandbox.Uids.Contains(uid)) count++;
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return count;
    }

    [Fact(Timeout = 60_000)]
    public async Task A_fork_bomb_is_contained_and_leaves_no_process_behind()
    {
        var ct = TestContext.Current.CancellationToken;
        var run = await RunHostileAsync("for (;;) sc(57 /* fork */, 0, 0, 0);", ct);
        Assert.Contains(run.Outcome.Kind, new[] { OutcomeKind.TimedOut, OutcomeKind.KilledByLimit });
        // The pid namespace dies with the sandbox: no process of a sandbox uid may survive it.
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
        Assert.Contains(_services.Sandbox.Uids, u => run.Outcome.Detail.Contains($"got {u}", StringComparison.Ordinal));
        Assert.Contains("--unshare-all", run.Raw.CommandLine);
        Assert.Contains("--nproc=", run.Raw.CommandLine);
    }
}

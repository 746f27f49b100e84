using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Sourceless.Tools;

namespace Sourceless.Sandbox;

/// <summary>
/// Runs untrusted code: bwrap (no network, new pid, IPC and UTS namespaces; an allow-list of the
/// host's files, <see cref="SandboxFileSystem"/>; a size-capped private tmpfs as scratch; an empty
/// environment), prlimit (CPU seconds, address space, file size, open files, processes, no core
/// files), a wall-clock timeout and an output cap enforced here, all under an unprivileged uid.
/// The uid matters: root ignores RLIMIT_NPROC, so a fork bomb run as root could take the machine
/// down. The invariants are in docs/architecture.md; the attacks it stops in README, "Security".
/// </summary>
public sealed class Sandbox
{
    /// <summary>Lowest uid of any pool. Each sandbox takes its own block of 32 uids above it
    /// (chosen from its process's pid and its own number in that process): 16 for runs, one per
    /// concurrent run, and 16 for the long-lived runners of <see cref="ImageRunnerPool"/>, so NPROC
    /// accounting, and a runner's kill(-1), are separate between runs, between runners, between
    /// sandboxes of one process (a test run holds many) and between two Sourceless processes.</summary>
    public const int FirstUid = 61000;

    /// <summary>The nobody user, never in a block.</summary>
    private const int Nobody = 65534;
    private static int _instances;

    /// <summary>The uids this sandbox runs code as: the whole block, taken in turn, so a run never
    /// starts under the uid whose previous processes may still be dying (they would count against
    /// its RLIMIT_NPROC and make bwrap's fork fail with EAGAIN).</summary>
    public IReadOnlyList<int> Uids { get; }

    /// <summary>The uids of pooled runners (<see cref="StartPooledSessionAsync"/>), one each.</summary>
    public IReadOnlyList<int> PoolUids { get; }

    private readonly ConcurrentQueue<int> _uids = new();
    private readonly ConcurrentQueue<int> _poolUids = new();
    private readonly SemaphoreSlim _slots;
    private static readonly bool IsRoot = Environment.UserName == "root" || geteuid() == 0;

    public SandboxLimits Limits { get; }

    private readonly bool _ownUid;
    private readonly IReadOnlyList<string> _launcher;

    /// <param name="asCaller">Run as the caller does without root: a user namespace and the
    /// caller's own uid, started through <paramref name="launcher"/> (a test uses setpriv to
    /// become an unprivileged user for real). Null: decided by whether Sourceless runs as root.</param>
    public Sandbox(SandboxLimits limits, int concurrency, bool? asCaller = null, IReadOnlyList<string>? launcher = null)
    {
        Limits = limits;
        _ownUid = !(asCaller ?? !IsRoot);
        _launcher = launcher ?? [];
        _slots = new SemaphoreSlim(concurrency, concurrency);
        int instance = Interlocked.Increment(ref _instances) - 1;
        int block = FirstUid + (Environment.ProcessId % 100 * 10 + instance % 10) * 32;
        if (block <= Nobody && Nobody < block + 32) block += 32;
        if (concurrency > 16) throw new ArgumentOutOfRangeException(nameof(concurrency), "at most 16 concurrent sandboxes per process");
        Uids = Enumerable.Range(block, 16).ToList();
        foreach (var uid in Uids) _uids.Enqueue(uid);
        PoolUids = Enumerable.Range(block + 16, 16).ToList();
        foreach (var uid in PoolUids) _poolUids.Enqueue(uid);
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = false)]
    private static extern uint geteuid();

    /// <summary>
    /// The command line of one sandboxed run. As root, bwrap starts as root (so it can read the
    /// files it binds wherever they are, even under a mode-700 folder) with no user namespace,
    /// and setpriv drops to the run's own uid, with no capabilities, no groups and no_new_privs,
    /// before prlimit and the program: the program's processes count against that uid's
    /// RLIMIT_NPROC, and pid 1 of the sandbox (bwrap, root) is out of its reach. Without root,
    /// bwrap makes a user namespace instead and the program keeps the caller's uid (README,
    /// "Security"). Either way bwrap itself starts with an empty environment (RunAsUidAsync).
    /// </summary>
    public IReadOnlyList<string> BuildCommand(SandboxRequest request, int uid, SandboxLimits? limits = null)
    {
        var cmd = new List<string>(_launcher);
        var l = limits ?? request.Limits ?? Limits;
        string[] prlimit = ["prlimit", $"--cpu={l.CpuSeconds}", $"--as={(l.AddressSpaceBytes < 0 ? "unlimited" : l.AddressSpaceBytes.ToString(CultureInfo.InvariantCulture))}", $"--fsize={l.FileSizeBytes}",
            $"--nofile={l.OpenFiles}", $"--nproc={l.Processes}", "--core=0", "--"];
        if (!_ownUid) cmd.AddRange(prlimit);
        cmd.AddRange(["bwrap", .. _ownUid ? RootNamespaces : (string[])["--unshare-all"], "--die-with-parent", "--new-session"]);
        cmd.AddRange(SandboxFileSystem.Arguments(request, l.ScratchBytes));
        cmd.AddRange(["--clearenv", "--setenv", "PATH", "/usr/bin:/bin", "--chdir", request.WorkingDirectory, "--"]);
        if (_ownUid)
        {
            cmd.AddRange(["setpriv", $"--reuid={uid}", $"--regid={uid}", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]);
            cmd.AddRange(prlimit);
        }
        // No address-space randomisation: a mutant that computes with an address (a flipped offset,
        // a stale register) then behaves the same in every run, so the same seed gives the same
        // outcomes and one process per mutant agrees with the persistent runner.
        cmd.AddRange(["setarch", "-R"]);
        if (request.Isa.Qemu is { } qemu)
        {
            cmd.AddRange([qemu, "-L", request.Isa.Sysroot!]);
            foreach (var (k, v) in request.Environment) cmd.AddRange(["-E", $"{k}={v}"]);
        }
        else if (request.Environment.Count > 0)
        {
            // Native: set the guest environment through env so bwrap's --clearenv still applies first.
            cmd.Add("env");
            foreach (var (k, v) in request.Environment) cmd.Add($"{k}={v}");
        }
        cmd.Add(request.Program);
        cmd.AddRange(request.Arguments);
        return cmd;
    }

    /// <summary>Every namespace but the user namespace: as root none is needed, and inside one
    /// setpriv could not take a uid the namespace does not map.</summary>
    private static readonly string[] RootNamespaces = ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup"];

    /// <summary>Whether runs switch to a uid of their own (Sourceless runs as root) or stay in the
    /// caller's uid inside a user namespace.</summary>
    public bool RunsAsOwnUid => _ownUid;

    /// <summary>A process start for bwrap with nothing of Sourceless's environment: /proc/1/environ
    /// inside the sandbox is bwrap's, and an API key in it would be an API key in the artifact's reach.</summary>
    private static ProcessStartInfo StartInfo(IReadOnlyList<string> cmd)
    {
        var psi = new ProcessStartInfo(cmd[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in cmd.Skip(1)) psi.ArgumentList.Add(a);
        psi.Environment.Clear();
        psi.Environment["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin";
        return psi;
    }

    public async Task<SandboxResult> RunAsync(SandboxRequest request, CancellationToken ct)
    {
        await _slots.WaitAsync(ct);
        _uids.TryDequeue(out int uid);
        try
        {
            // bwrap can fail to create its namespaces for a moment (EAGAIN while the machine is
            // short of processes or namespaces). That says nothing about the artifact, which has
            // not started yet: try again a few times before reporting "could not start".
            for (int attempt = 1; ; attempt++)
            {
                var result = await RunAsUidAsync(request, uid, ct);
                if (attempt == 4 || !IsTransientStartFailure(result)) return result;
                await Task.Delay(100 * attempt * attempt, ct);
            }
        }
        finally
        {
            _uids.Enqueue(uid);
            _slots.Release();
        }
    }

    /// <summary>
    /// A run whose wall clock ran out is confirmed before it counts as timed out: it runs again
    /// with <see cref="ConfirmFactor"/> times the wall clock and CPU limit, and that run decides. A
    /// busy machine can stretch a run that would finish; one that hangs hangs again. Used for the
    /// timed runs whose outcome is stored (gdb sessions, audit tools, builds of model text).
    /// </summary>
    public async Task<SandboxResult> RunConfirmedAsync(SandboxRequest request, CancellationToken ct)
    {
        var first = await RunAsync(request, ct);
        if (!first.TimedOut) return first;
        var l = request.Limits ?? Limits;
        return await RunAsync(request with { Limits = l with { WallClock = l.WallClock * ConfirmFactor, CpuSeconds = l.CpuSeconds * ConfirmFactor } }, ct);
    }

    /// <summary>How much longer a confirmation run may take than the first (its wall clock and CPU
    /// limit, and a test child's CPU budget in <see cref="Harness.ArtifactRunner"/>).</summary>
    public const int ConfirmFactor = 4;

    private async Task<SandboxResult> RunAsUidAsync(SandboxRequest request, int uid, CancellationToken ct)
    {
        var cmd = BuildCommand(request, uid);
        var psi = StartInfo(cmd);
        var sw = Stopwatch.StartNew();
        using var process = new Process { StartInfo = psi };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return new SandboxResult(127, "", $"could not start sandbox: {e.Message}", false, false, 0, CommandLine.Format(cmd[0], cmd.Skip(1)));
        }
        using var kill = CancellationTokenSource.CreateLinkedTokenSource(ct);
        kill.CancelAfter((request.Limits ?? Limits).WallClock);
        bool capped = false;
        void OnCap() { capped = true; Kill(process); }
        var stdout = ReadCappedAsync(process.StandardOutput.BaseStream, (request.Limits ?? Limits).OutputBytes, OnCap);
        var stderr = ReadCappedAsync(process.StandardError.BaseStream, 64 << 10, () => { });
        // Written once the readers and the clock run, so a program that prints before it reads
        // can never block on a full pipe with nobody timing it.
        if (request.StandardInput is { } input)
        {
            try { await process.StandardInput.WriteAsync(input.AsMemory(), kill.Token); await process.StandardInput.FlushAsync(kill.Token); }
            catch (IOException) { } // the program ended before reading: its output says how
            catch (OperationCanceledException) when (!ct.IsCancellationRequested) { } // timed out: handled below
        }
        try { process.StandardInput.Close(); } catch (IOException) { }
        bool timedOut = false;
        try
        {
            await process.WaitForExitAsync(kill.Token);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            ct.ThrowIfCancellationRequested();
            timedOut = true;
            await process.WaitForExitAsync(CancellationToken.None);
        }
        string output = await stdout, error = await stderr;
        sw.Stop();
        return new SandboxResult(process.ExitCode, output, error, timedOut, capped, sw.Elapsed.TotalMilliseconds,
            CommandLine.Format(cmd[0], cmd.Skip(1)));
    }

    /// <summary>
    /// Starts a long-lived sandboxed process with piped stdin and stdout (the persistent runner).
    /// Same namespaces, uid and rlimits as a single run, except the CPU limit, which covers the
    /// whole session: each test child it forks enforces its own time budget.
    /// </summary>
    public async Task<SandboxSession> StartSessionAsync(SandboxRequest request, TimeSpan wallClock, CancellationToken ct)
    {
        await _slots.WaitAsync(ct);
        _uids.TryDequeue(out int uid);
        var limits = Limits with { CpuSeconds = (int)Math.Max(Limits.CpuSeconds, wallClock.TotalSeconds + 1) };
        var cmd = BuildCommand(request, uid, limits);
        var psi = StartInfo(cmd);
        var process = new Process { StartInfo = psi };
        try
        {
            process.Start();
        }
        catch
        {
            process.Dispose();
            _uids.Enqueue(uid);
            _slots.Release();
            throw;
        }
        return new SandboxSession(process, CommandLine.Format(cmd[0], cmd.Skip(1)), wallClock, () => { _uids.Enqueue(uid); _slots.Release(); });
    }

    /// <summary>
    /// Starts a long-lived runner for <see cref="ImageRunnerPool"/>: the namespaces, uid rules and
    /// rlimits of a session, under a pool uid of its own, and without a slot: it is idle most of
    /// its life, and each request it serves takes a slot (<see cref="SlotAsync"/>) while it runs.
    /// Null when every pool uid is taken.
    /// </summary>
    public SandboxSession? StartPooledSessionAsync(SandboxRequest request, TimeSpan wallClock)
    {
        if (!_poolUids.TryDequeue(out int uid)) return null;
        var limits = Limits with { CpuSeconds = (int)Math.Max(Limits.CpuSeconds, wallClock.TotalSeconds + 1) };
        var cmd = BuildCommand(request, uid, limits);
        var process = new Process { StartInfo = StartInfo(cmd) };
        try
        {
            process.Start();
        }
        catch
        {
            process.Dispose();
            _poolUids.Enqueue(uid);
            throw;
        }
        return new SandboxSession(process, CommandLine.Format(cmd[0], cmd.Skip(1)), wallClock, () => _poolUids.Enqueue(uid)) { Uid = uid };
    }

    /// <summary>One of the sandbox's slots, held until disposed: what a pooled runner's request
    /// takes, so pooled and one-off runs share the same bound on concurrent work.</summary>
    public async Task<IDisposable> SlotAsync(CancellationToken ct)
    {
        await _slots.WaitAsync(ct);
        return new SlotLease(_slots);
    }

    private sealed class SlotLease(SemaphoreSlim slots) : IDisposable
    {
        private int _released;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) slots.Release();
        }
    }

    /// <summary>The command line a one-off run of this request would have, under this uid: what a
    /// pooled run stores, so every stored run names a command that reproduces it alone.</summary>
    public string CommandLineOf(SandboxRequest request, int uid)
    {
        var cmd = BuildCommand(request, uid);
        return CommandLine.Format(cmd[0], cmd.Skip(1));
    }

    internal static bool IsTransientStartFailure(SandboxResult r) =>
        !r.TimedOut && r.StandardOutput.Length == 0 && r.StandardError.StartsWith("bwrap:", StringComparison.Ordinal)
        && r.StandardError.Contains("Resource temporarily unavailable", StringComparison.Ordinal);

    internal static void Kill(Process p)
    {
        // SIGKILL to the whole tree; bwrap's --die-with-parent then takes down the pid namespace.
        try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } catch (System.ComponentModel.Win32Exception) { }
    }

    /// <summary>Reads at most <paramref name="cap"/> bytes and keeps draining nothing more: past the
    /// cap the producer is killed, so 100 MB of output never reaches memory.</summary>
    private static async Task<string> ReadCappedAsync(Stream stream, int cap, Action onCap)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[16384];
        while (true)
        {
            int n;
            try { n = await stream.ReadAsync(chunk); }
            catch (IOException) { break; }
            if (n == 0) break;
            int keep = (int)Math.Min(n, cap - buffer.Length);
            if (keep > 0) buffer.Write(chunk, 0, keep);
            if (buffer.Length >= cap) { onCap(); break; }
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}

using System.Globalization;
using System.Text;

namespace Sourceless.Sandbox;

/// <summary>
/// Long-lived sandboxed drivers that run whole images (harness/sl_runtime.c, --serve none and "O"),
/// pooled by driver, ISA and libdep: a run of an artifact's tests then costs one fork inside a
/// runner that is already up, not a new sandbox, driver and qemu. Each child gets the limits a
/// one-off run has, and its output comes back byte for byte, so the caller classifies it exactly
/// as a one-off run's (docs/architecture.md, "Pooled runs").
/// <para>A runner that breaks (it died, it stopped answering, it could not fork) is thrown away and
/// the caller runs that request the one-off way: a pooled run is never an outcome of its own.
/// Idle runners close after <see cref="IdleTime"/>, and at most <see cref="MaxIdle"/> wait.</para>
/// </summary>
public sealed class ImageRunnerPool(Sandbox sandbox) : IAsyncDisposable
{
    public static readonly TimeSpan IdleTime = TimeSpan.FromSeconds(5);
    public const int MaxIdle = 6;

    /// <summary>A runner lives at most this long (its sandbox's wall clock and CPU limit).</summary>
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    private readonly object _lock = new();
    private readonly LinkedList<(string Key, ImageRunner Runner)> _idle = new(); // most recently used first
    private long _stamp;
    private bool _disposed;

    /// <summary>
    /// Runs one image's tests in a pooled runner of this key, started from <paramref name="sessionRequest"/>
    /// when none is idle. The result's stdout holds the driver's authentic lines only (the token is
    /// the runner's and already stripped) and its command line is <paramref name="commandLine"/> of
    /// the runner's uid. Null when no pooled runner could do it: run it the one-off way.
    /// </summary>
    public async Task<SandboxResult?> RunAsync(string key, Func<CancellationToken, Task<SandboxRequest>> sessionRequest,
        byte[] image, int repeats, int budgetMs, Func<int, string> commandLine, CancellationToken ct)
    {
        using var slot = await sandbox.SlotAsync(ct);
        ImageRunner? runner = null;
        try
        {
            runner = Rent(key) ?? await StartAsync(sessionRequest, ct);
            if (runner is null) return null;
            var result = await runner.RunAsync(image, repeats, budgetMs, sandbox.Limits, ct);
            if (result is null) return null; // broken: disposed below
            var (kept, uid) = (runner, runner.Uid);
            runner = null;
            await ReturnAsync(key, kept);
            return result with { CommandLine = commandLine(uid) };
        }
        finally
        {
            // A runner that broke, or was mid-request when the caller cancelled, never goes back:
            // disposing it gives its uid back to the pool.
            if (runner is not null) await runner.DisposeAsync();
        }
    }

    private ImageRunner? Rent(string key)
    {
        lock (_lock)
        {
            for (var node = _idle.First; node is not null; node = node.Next)
                if (node.Value.Key == key)
                {
                    _idle.Remove(node);
                    return node.Value.Runner;
                }
        }
        return null;
    }

    private async Task<ImageRunner?> StartAsync(Func<CancellationToken, Task<SandboxRequest>> sessionRequest, CancellationToken ct)
    {
        var request = await sessionRequest(ct);
        SandboxSession? session;
        try
        {
            session = sandbox.StartPooledSessionAsync(request, Lifetime);
            if (session is null)
            {
                // Every pool uid is with a runner: close the one idle longest and try once more.
                int idle;
                lock (_lock) idle = _idle.Count;
                await TrimAsync(Math.Max(0, idle - 1));
                session = sandbox.StartPooledSessionAsync(request, Lifetime);
            }
        }
        catch (System.ComponentModel.Win32Exception) { return null; } // bwrap would not start: the one-off run says so
        return session is null ? null : await ImageRunner.StartAsync(session, ct);
    }

    private async Task ReturnAsync(string key, ImageRunner runner)
    {
        long stamp = 0;
        lock (_lock)
            if (!_disposed)
            {
                stamp = runner.IdleStamp = ++_stamp;
                _idle.AddFirst((key, runner));
            }
        if (stamp == 0)
        {
            await runner.DisposeAsync();
            return;
        }
        await TrimAsync(MaxIdle);
        _ = ExpireAsync(stamp);
    }

    /// <summary>Closes the runners idle longest until at most <paramref name="keep"/> wait.</summary>
    private async Task TrimAsync(int keep)
    {
        var gone = new List<ImageRunner>();
        lock (_lock)
            while (_idle.Count > keep)
            {
                gone.Add(_idle.Last!.Value.Runner);
                _idle.RemoveLast();
            }
        foreach (var r in gone) await r.DisposeAsync();
    }

    private async Task ExpireAsync(long stamp)
    {
        await Task.Delay(IdleTime);
        ImageRunner? gone = null;
        lock (_lock)
            for (var node = _idle.First; node is not null; node = node.Next)
                if (node.Value.Runner.IdleStamp == stamp)
                {
                    gone = node.Value.Runner;
                    _idle.Remove(node);
                    break;
                }
        if (gone is not null) await gone.DisposeAsync();
    }

    /// <summary>Closes every idle runner now (the pool stays usable): a test that counts the
    /// sandbox's processes, or the end of a trial.</summary>
    public async Task CloseIdleAsync()
    {
        List<ImageRunner> gone;
        lock (_lock)
        {
            gone = _idle.Select(n => n.Runner).ToList();
            _idle.Clear();
        }
        foreach (var r in gone) await r.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        lock (_lock) _disposed = true;
        await CloseIdleAsync();
    }
}

/// <summary>One pooled runner: a sandbox session speaking the "O" protocol, read as bytes.</summary>
internal sealed class ImageRunner : IAsyncDisposable
{
    private readonly SandboxSession _session;
    private readonly string _token;
    private readonly byte[] _buffer = new byte[1 << 16];
    private int _start, _end;
    private long _nextId;

    public int Uid => _session.Uid;
    public long IdleStamp { get; set; }

    private ImageRunner(SandboxSession session, string token)
    {
        _session = session;
        _token = token;
    }

    /// <summary>How long a runner may take to start (qemu, the warm-up run of the cases).</summary>
    private static readonly TimeSpan StartTime = TimeSpan.FromSeconds(30);

    public static async Task<ImageRunner?> StartAsync(SandboxSession session, CancellationToken ct)
    {
        var runner = new ImageRunner(session, DriverReport.NewToken());
        using var guard = CancellationTokenSource.CreateLinkedTokenSource(ct, session.Deadline);
        guard.CancelAfter(StartTime);
        bool ready = false;
        try
        {
            await session.Input.WriteAsync(Encoding.ASCII.GetBytes($"T {runner._token}\n"), guard.Token);
            await session.Input.FlushAsync(guard.Token);
            while (await runner.ReadLineAsync(guard.Token) is { } line)
                if (line == "#ready")
                {
                    ready = true;
                    return runner;
                }
        }
        catch (IOException) { }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested) { }
        finally
        {
            if (!ready) await runner.DisposeAsync(); // the caller's cancellation included
        }
        return null;
    }

    /// <summary>One image through the runner; null when the runner broke (the caller runs it the one-off way).</summary>
    public async Task<SandboxResult?> RunAsync(byte[] image, int repeats, int budgetMs, SandboxLimits limits, CancellationToken ct)
    {
        long id = ++_nextId;
        using var guard = CancellationTokenSource.CreateLinkedTokenSource(ct, _session.Deadline);
        // The runner kills a child at the wall clock itself; this bounds a runner that stopped answering.
        guard.CancelAfter(limits.WallClock + TimeSpan.FromSeconds(15));
        try
        {
            await _session.Input.WriteAsync(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
                $"O {id} {image.Length} {repeats} {budgetMs}\n")), guard.Token);
            await _session.Input.WriteAsync(image, guard.Token);
            await _session.Input.FlushAsync(guard.Token);
            string prefix = string.Create(CultureInfo.InvariantCulture, $"O {id} ");
            while (await ReadLineAsync(guard.Token) is { } line)
            {
                if (!line.StartsWith(prefix, StringComparison.Ordinal)) continue; // "#error ..." of a command
                // O <id> <exit|signal|error> <value> <capped> <timed out> <wall us> <bytes>
                var p = line.Split(' ');
                if (p.Length != 8 || p[2] == "error") return null;
                int value = int.Parse(p[3], CultureInfo.InvariantCulture);
                bool capped = p[4] == "1", timedOut = p[5] == "1";
                double wallMs = long.Parse(p[6], CultureInfo.InvariantCulture) / 1000.0;
                var bytes = await ReadExactAsync(int.Parse(p[7], CultureInfo.InvariantCulture), guard.Token);
                if (bytes is null) return null;
                // The same decoding and token rule as a one-off run (Sandbox.RunAsync, ArtifactRunner);
                // the status line is the runner's own, as a one-off driver prints it after its child.
                string stdout = DriverReport.Authentic(Encoding.UTF8.GetString(bytes), _token)
                    + (p[2] == "signal" ? $"#status signal {value}\n" : $"#status exit {value}\n");
                return new SandboxResult(0, stdout, "", timedOut, capped, wallMs, "");
            }
        }
        catch (IOException) { }
        catch (FormatException) { }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested) { }
        return null;
    }

    private async Task<bool> FillAsync(CancellationToken ct)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length) return false;
        int n = await _session.OutputStream.ReadAsync(_buffer.AsMemory(_end), ct);
        if (n == 0) return false;
        _end += n;
        return true;
    }

    private async Task<string?> ReadLineAsync(CancellationToken ct)
    {
        while (true)
        {
            int nl = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (nl >= 0)
            {
                string line = Encoding.ASCII.GetString(_buffer, _start, nl - _start);
                _start = nl + 1;
                return line;
            }
            if (!await FillAsync(ct)) return null;
        }
    }

    private async Task<byte[]?> ReadExactAsync(int count, CancellationToken ct)
    {
        var result = new byte[count];
        int got = 0;
        while (got < count)
        {
            if (_start == _end && !await FillAsync(ct)) return null;
            int take = Math.Min(count - got, _end - _start);
            Buffer.BlockCopy(_buffer, _start, result, got, take);
            _start += take;
            got += take;
        }
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        try { await _session.Input.WriteAsync("Q\n"u8.ToArray()); } catch (IOException) { } catch (ObjectDisposedException) { } catch (InvalidOperationException) { }
        await _session.DisposeAsync();
    }
}

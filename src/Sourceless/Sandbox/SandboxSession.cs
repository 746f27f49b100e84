using System.Diagnostics;

namespace Sourceless.Sandbox;

/// <summary>A running sandboxed process with piped stdin/stdout. Disposing it kills the whole
/// sandbox (the pid namespace dies with it) and gives the slot and uid back.</summary>
public sealed class SandboxSession : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Action _release;
    private readonly CancellationTokenSource _deadline;
    private readonly Task<string> _stderr;

    public string CommandLine { get; }
    public Stream Input => _process.StandardInput.BaseStream;
    public StreamReader Output => _process.StandardOutput;
    /// <summary>Stdout as bytes, for a reader that never touches <see cref="Output"/>.</summary>
    public Stream OutputStream => _process.StandardOutput.BaseStream;
    /// <summary>The uid the session's program runs as (as root; otherwise the caller's).</summary>
    public int Uid { get; init; }
    /// <summary>Cancelled when the session's wall clock runs out (the process is then killed).</summary>
    public CancellationToken Deadline => _deadline.Token;

    internal SandboxSession(Process process, string commandLine, TimeSpan wallClock, Action release)
    {
        _process = process;
        _release = release;
        CommandLine = commandLine;
        _deadline = new CancellationTokenSource(wallClock);
        _deadline.Token.Register(() => Sandbox.Kill(_process));
        _stderr = ReadSomeAsync(process.StandardError);
    }

    /// <summary>What the session printed on stderr (first 64 KiB), once it has ended.</summary>
    public Task<string> StandardErrorAsync => _stderr;

    private static async Task<string> ReadSomeAsync(StreamReader r)
    {
        var buf = new char[65536];
        int n = 0;
        try
        {
            while (n < buf.Length)
            {
                int k = await r.ReadAsync(buf.AsMemory(n));
                if (k == 0) break;
                n += k;
            }
            while (await r.ReadAsync(new char[4096]) > 0) { }
        }
        catch (IOException) { }
        return new string(buf, 0, n);
    }

    public async ValueTask DisposeAsync()
    {
        try { _process.StandardInput.Close(); } catch (IOException) { } catch (InvalidOperationException) { }
        // A runner told to quit (or seeing EOF) ends by itself within milliseconds; only one that
        // does not is killed. Either way the whole tree is gone before the uid is handed out again.
        using (var grace = new CancellationTokenSource(TimeSpan.FromSeconds(2)))
        {
            try { await _process.WaitForExitAsync(grace.Token); }
            catch (OperationCanceledException) { }
            catch (InvalidOperationException) { }
        }
        Sandbox.Kill(_process);
        try { await _process.WaitForExitAsync(CancellationToken.None); } catch (InvalidOperationException) { }
        _deadline.Dispose();
        _process.Dispose();
        _release();
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace Sourceless.Tools;

/// <summary>
/// The one place Sourceless starts trusted external tools (compilers, linkers, objcopy, qemu for
/// version probes). It records the exact command line, the tool's version and the duration with
/// each call. Untrusted code never goes through here directly: see Sandbox/Sandbox.cs.
/// </summary>
public sealed class ToolRunner
{
    private readonly ConcurrentDictionary<string, string> _versions = new();

    public static ToolRunner Shared { get; } = new();

    public async Task<ToolResult> RunAsync(string tool, IReadOnlyList<string> args, CancellationToken ct,
        string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (environment is not null)
            foreach (var (k, v) in environment) psi.Environment[k] = v;
        string commandLine = CommandLine.Format(tool, args);
        var sw = Stopwatch.StartNew();
        using var process = new Process { StartInfo = psi };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new UserError($"cannot run '{tool}': {e.Message} (run ./sourceless, which installs the toolchains)");
        }
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            if (ct.IsCancellationRequested) throw;
            throw new TimeoutException($"{commandLine} did not finish in {(timeout ?? TimeSpan.FromMinutes(2)).TotalSeconds:0}s");
        }
        string output = await stdout, error = await stderr;
        sw.Stop();
        var inv = new Invocation(Path.GetFileName(tool), await VersionAsync(tool, ct, workingDirectory), commandLine, process.ExitCode, sw.Elapsed.TotalMilliseconds);
        return new ToolResult(inv, output, error);
    }

    /// <summary>The first line of "tool --version", asked once per tool and kept. It runs in the
    /// working folder of the call that asks, since some tools write there even for --version
    /// (Csmith leaves platform.info).</summary>
    public async Task<string> VersionAsync(string tool, CancellationToken ct, string? workingDirectory = null)
    {
        if (_versions.TryGetValue(tool, out var known)) return known;
        string version;
        try
        {
            var psi = new ProcessStartInfo(tool, "--version") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory ?? "" };
            using var p = Process.Start(psi)!;
            var text = await p.StandardOutput.ReadToEndAsync(ct);
            var err = await p.StandardError.ReadToEndAsync(ct);
            await p.WaitForExitAsync(ct);
            version = (text.Length > 0 ? text : err).Split('\n')[0].Trim();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            version = "not installed";
        }
        return _versions.GetOrAdd(tool, version);
    }

    public IReadOnlyDictionary<string, string> KnownVersions => _versions;
}

public static class CommandLine
{
    /// <summary>A shell-pasteable rendering of a command.</summary>
    public static string Format(string tool, IEnumerable<string> args)
    {
        var sb = new StringBuilder(Quote(tool));
        foreach (var a in args) sb.Append(' ').Append(Quote(a));
        return sb.ToString();
    }

    public static string Quote(string s) =>
        s.Length > 0 && s.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,+@%".Contains(c)) ? s : "'" + s.Replace("'", "'\\''") + "'";
}

using System.Diagnostics;

namespace Sourceless.Bench;

/// <summary>Runs a build of Sourceless (this one or a baseline's sourceless.dll) as a process of its
/// own for a benchmark side: each side then starts cold, as a user's run does, and an older build
/// runs its own code and harness (found from its own folder).</summary>
internal static class BenchProcess
{
    /// <summary>The finished process: exit code, wall seconds and the last stderr lines.</summary>
    public sealed record Result(int ExitCode, double Seconds, string StderrTail);

    /// <param name="environment">Variables to set (a null value removes one).</param>
    /// <param name="onLine">Sees every stderr line as it comes (progress).</param>
    public static async Task<Result> RunAsync(string dll, IEnumerable<string> args, IReadOnlyDictionary<string, string?> environment,
        Action<string> onLine, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (name, value) in environment)
            if (value is null) psi.Environment.Remove(name); else psi.Environment[name] = value;
        var sw = Stopwatch.StartNew();
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start dotnet");
        var stderr = Task.Run(async () =>
        {
            var tail = new Queue<string>();
            while (await p.StandardError.ReadLineAsync(ct) is { } line)
            {
                onLine(line);
                tail.Enqueue(line);
                if (tail.Count > 20) tail.Dequeue();
            }
            return string.Join('\n', tail);
        }, ct);
        await p.StandardOutput.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        return new Result(p.ExitCode, sw.Elapsed.TotalSeconds, await stderr);
    }

    /// <summary>The sourceless.dll of this build.</summary>
    public static string Self => typeof(BenchProcess).Assembly.Location;
}

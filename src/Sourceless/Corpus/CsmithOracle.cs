using System.Text.Json;
using System.Text.RegularExpressions;
using Sourceless.Harness;
using Sourceless.Sandbox;
using Sourceless.Targets;
using Sourceless.Tools;

namespace Sourceless.Corpus;

/// <summary>
/// The oracle of a Csmith program: the checksum its main() prints, from a native gcc -O0 build run
/// inside the sandbox (it is generated code: it never runs outside it). Stored as the records'
/// tests, {"checksum": "..."}, or {"oracle_error": "..."} when the program did not finish.
/// </summary>
public sealed partial class CsmithOracle(string workDir, int jobs, ToolRunner tools)
{
    private readonly Lazy<Sandbox.Sandbox> _sandbox = new(() => new Sandbox.Sandbox(SandboxLimits.Default with { WallClock = TimeSpan.FromSeconds(10) }, jobs));

    public async Task<string> ChecksumAsync(CorpusProgram program, CancellationToken ct)
    {
        string dir = Path.Combine(workDir, Workspace.Hash(program.Source)[..16]);
        Directory.CreateDirectory(dir);
        File.SetUnixFileMode(workDir, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
        string src = Path.Combine(dir, "p.c"), exe = Path.Combine(dir, "p");
        await File.WriteAllTextAsync(src, program.Source, ct);
        var build = await tools.RunAsync("gcc", ["-O0", "-w", .. (program.IncludeDirs ?? []).Select(d => "-I" + d), src, "-o", exe], ct);
        if (!build.Succeeded) return JsonSerializer.Serialize(new { oracle_error = "build: " + build.ErrorSummary(200) });
        var run = await _sandbox.Value.RunAsync(new SandboxRequest(Isa.X86_64, exe, [], [dir], new Dictionary<string, string>()), ct);
        var m = ChecksumLine().Match(run.StandardOutput);
        return m.Success
            ? JsonSerializer.Serialize(new { checksum = m.Groups[1].Value })
            : JsonSerializer.Serialize(new { oracle_error = run.TimedOut ? "timed out" : $"exit {run.ExitCode}, no checksum line" });
    }

    [GeneratedRegex(@"checksum = ([0-9A-Fa-f]+)")]
    private static partial Regex ChecksumLine();
}

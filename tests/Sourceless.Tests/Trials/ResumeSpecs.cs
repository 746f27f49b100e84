using System.Diagnostics;
using System.Text.RegularExpressions;
using Sourceless.Tests.Support;

namespace Sourceless.Tests.Trials;

public sealed partial class ResumeSpecs : IDisposable
{
    private static readonly string[] Args =
    [
        "trial", "--tasks", "8", "--contenders", "gcc,noisy:0.005", "--targets", "x86_64/gcc/-O2,riscv64/gcc/-O2",
        "--generations", "2", "--seed", "5", "--flips", "16", "--typos", "2",
    ];

    private readonly TempFolder _tmp = new("sl-resume");

    public void Dispose() => _tmp.Dispose();

    [GeneratedRegex(@"^\[(generate|reliability|portability)\] (\d+)/(\d+)")]
    private static partial Regex ProgressLine();

    [Fact(Timeout = 600_000)]
    public async Task A_trial_killed_with_SIGKILL_resumes_without_redoing_or_losing_anything()
    {
        var ct = TestContext.Current.CancellationToken;
        // The same trial run straight through first: what the resumed one must equal, item for item.
        string clean = _tmp.Sub("clean");
        var straight = await Support.Cli.RunAsync([.. Args, "--out", clean], ct);
        Assert.True(straight.ExitCode == 0, straight.Stderr);
        long items = StoreReader.Count(clean, "SELECT count(*) FROM done");
        long generations = StoreReader.Count(clean, "SELECT count(*) FROM artifacts");
        Assert.True(generations >= 64 + 32, $"{generations} generations"); // 8 tasks x 2 contenders x 2 targets x 2, plus v2 (and vuln) at generation 0

        string run = _tmp.Sub("killed");

        // Start the trial and kill -9 it once a third of the generations are stored.
        using (var p = Process.Start(Support.Cli.StartInfo([.. Args, "--out", run]))!)
        {
            var killed = new TaskCompletionSource();
            p.ErrorDataReceived += (_, e) =>
            {
                var m = ProgressLine().Match(e.Data ?? "");
                if (m.Success && (m.Groups[1].Value != "generate" || int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) >= generations / 3))
                {
                    try { p.Kill(); } catch (InvalidOperationException) { } // SIGKILL, no chance to clean up
                    killed.TrySetResult();
                }
            };
            p.BeginErrorReadLine();
            _ = p.StandardOutput.ReadToEndAsync(ct);
            await p.WaitForExitAsync(ct);
            Assert.True(killed.Task.IsCompleted, "the trial finished before it could be killed");
            Assert.Equal(137, p.ExitCode);
        }

        var doneBefore = StoreReader.Lines(run, "SELECT item FROM done");
        var artifactsBefore = StoreReader.Lines(run, "SELECT artifact_id, code_sha256, session FROM artifacts");
        Assert.InRange(doneBefore.Count, 1, items - 1);

        // Resumed on a busy machine: every core spins, and the rows must still equal the quiet run's.
        Support.Cli.Result resumed;
        using (var load = new CpuLoad())
        {
            Assert.Equal(Environment.ProcessorCount, load.Count);
            resumed = await Support.Cli.RunAsync(["trial", "--resume", run], ct);
        }
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);

        // Everything is there once, and nothing stored before the kill was redone or lost.
        Assert.Equal(items, StoreReader.Count(run, "SELECT count(*) FROM done"));
        Assert.Equal(generations, StoreReader.Count(run, "SELECT count(DISTINCT artifact_id) FROM artifacts"));
        var artifactsAfter = StoreReader.Lines(run, "SELECT artifact_id, code_sha256, session FROM artifacts");
        Assert.Subset(artifactsAfter.ToHashSet(), artifactsBefore.ToHashSet());
        Assert.Equal(generations - artifactsBefore.Count, StoreReader.Count(run, "SELECT count(*) FROM artifacts WHERE session = 1"));
        Assert.Equal(doneBefore.Count, StoreReader.Count(run, "SELECT count(*) FROM done WHERE session = 0"));
        Assert.Equal(2, StoreReader.Count(run, "SELECT count(*) FROM sessions"));
        Assert.True(File.Exists(Path.Combine(run, "report.html")));

        // And the result equals the run that was never interrupted.
        Assert.Equal(StoreReader.Lines(clean, "SELECT artifact_id, code_sha256 FROM artifacts"), StoreReader.Lines(run, "SELECT artifact_id, code_sha256 FROM artifacts"));
        Assert.Equal(StoreReader.Lines(clean, "SELECT execution_id, outcome, cases_passed FROM executions"), StoreReader.Lines(run, "SELECT execution_id, outcome, cases_passed FROM executions"));
        Assert.Equal(StoreReader.Lines(clean, "SELECT fault_id, outcome, signal, diagnostic_line, fault_line, located, value FROM faults"),
                     StoreReader.Lines(run, "SELECT fault_id, outcome, signal, diagnostic_line, fault_line, located, value FROM faults"));
        foreach (var sql in TrialSpecs.SameSeedRows)
            Assert.Equal(StoreReader.Lines(clean, sql), StoreReader.Lines(run, sql));
    }
}

using System.Text.Json;

namespace Sourceless.Bench;

/// <summary>One trial run of the benchmark: its wall time, its stage split and its scores.</summary>
public sealed record TrialSide(string Way, double Seconds, IReadOnlyList<(string Stage, double Seconds)> Stages,
    IReadOnlyDictionary<string, double> Scores, string Folder);

/// <summary>
/// <c>sourceless bench trial</c>: the same trial run three times in one benchmark run, each as its
/// own process: (a) the baseline, an older build given with --baseline or else this build running
/// every test run in a sandbox of its own (SOURCELESS_RUNS=process), with an empty driver cache;
/// (b) this build with an empty driver cache; (c) this build again in a new folder, the cache now
/// warm. Prints each side's stage split, the ratios b/a and c/a, and whether the scores agree, so a
/// speed-up is shown next to the proof that it measured the same thing.
/// </summary>
public sealed class TrialBenchmark(string work)
{
    public async Task<IReadOnlyList<TrialSide>> RunAsync(string? baselineDll, IReadOnlyList<string> trialArgs, Action<string> log, CancellationToken ct)
    {
        Directory.CreateDirectory(work);
        string self = BenchProcess.Self;
        var sides = new List<TrialSide>
        {
            await RunSideAsync(baselineDll is null ? "baseline: this build, one sandbox per test run, empty driver cache" : $"baseline: {baselineDll}, empty driver cache",
                baselineDll ?? self, "a", "cache-a", baselineDll is null ? "process" : null, trialArgs, log, ct),
            await RunSideAsync("this build, empty driver cache", self, "b", "cache-b", null, trialArgs, log, ct),
            await RunSideAsync("this build, second run (new folder, warm driver cache)", self, "c", "cache-b", null, trialArgs, log, ct),
        };
        return sides;
    }

    private async Task<TrialSide> RunSideAsync(string way, string dll, string folder, string cache, string? runs,
        IReadOnlyList<string> trialArgs, Action<string> log, CancellationToken ct)
    {
        string run = Path.Combine(work, folder);
        if (Directory.Exists(run)) Directory.Delete(run, true);
        string[] args = ["trial", "--out", run, .. trialArgs];
        log($"[bench trial] {way}: {string.Join(' ', args)}");
        var env = new Dictionary<string, string?> { ["SOURCELESS_DRIVER_CACHE"] = Path.Combine(work, cache), ["SOURCELESS_RUNS"] = runs };
        var r = await BenchProcess.RunAsync(dll, args, env, line =>
        {
            if (line.StartsWith("trial finished", StringComparison.Ordinal) || line.StartsWith("error", StringComparison.Ordinal)) log("  " + line);
        }, ct);
        double seconds = r.Seconds;
        if (r.ExitCode != 0) throw new InvalidOperationException($"the trial of '{way}' failed (exit {r.ExitCode}):\n{r.StderrTail}");
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(run, "results.json"), ct));
        var stages = json.RootElement.GetProperty("stages").EnumerateArray()
            .Select(s => (s.GetProperty("stage").GetString()!, s.GetProperty("seconds").GetDouble())).ToList();
        var scores = json.RootElement.GetProperty("scores").EnumerateArray()
            .ToDictionary(s => $"{s.GetProperty("experiment").GetString()} / {s.GetProperty("contender").GetString()}", s => s.GetProperty("score").GetDouble());
        return new TrialSide(way, seconds, stages, scores, run);
    }

    /// <summary>Scores of <paramref name="b"/> equal to <paramref name="a"/>'s (to the 3 decimals stored), and the keys that differ.</summary>
    public static (int Same, int Total, IReadOnlyList<string> Differ) CompareScores(TrialSide a, TrialSide b)
    {
        var keys = a.Scores.Keys.Union(b.Scores.Keys).Order(StringComparer.Ordinal).ToList();
        var differ = keys.Where(k => !a.Scores.TryGetValue(k, out var x) || !b.Scores.TryGetValue(k, out var y) || Math.Abs(x - y) > 0.0005)
            .Select(k => $"{k}: {(a.Scores.TryGetValue(k, out var x) ? x.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) : "-")} vs {(b.Scores.TryGetValue(k, out var y) ? y.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) : "-")}")
            .ToList();
        return (keys.Count - differ.Count, keys.Count, differ);
    }
}

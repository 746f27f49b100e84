using System.Text.Json;

namespace Sourceless.Bench;

/// <summary>One import of the benchmark: the figures its import.json records, and the suite it wrote.</summary>
public sealed record ImportSide(string Way, double WallSeconds, int Files, int Functions, int Candidates, int Accepted,
    double Seconds, double ParseSeconds, double BuildSeconds, double RunSeconds, string Suite)
{
    public double FunctionsPerSecond => Functions / Math.Max(1e-9, Seconds);
    private double Worker => Math.Max(1e-9, ParseSeconds + BuildSeconds + RunSeconds);
    public double ParseShare => ParseSeconds / Worker;
    public double BuildShare => BuildSeconds / Worker;
    public double RunShare => RunSeconds / Worker;
}

/// <summary>
/// <c>sourceless bench import</c>: the same sources imported by this build and, with --baseline, by
/// an older build first, each as its own process with an empty driver cache (a cache warm from an
/// earlier import of the same files would hide the drivers' cost). Prints each side's speed and
/// where the workers' time went, the ratio, and whether the two suites are the same files.
/// </summary>
public sealed class ImportBenchmark(string work)
{
    public async Task<IReadOnlyList<ImportSide>> RunAsync(string? baselineDll, IReadOnlyList<string> sources, int jobs, Action<string> log, CancellationToken ct)
    {
        Directory.CreateDirectory(work);
        var sides = new List<ImportSide>();
        if (baselineDll is not null) sides.Add(await RunSideAsync($"baseline: {baselineDll}", baselineDll, "a", sources, jobs, log, ct));
        sides.Add(await RunSideAsync("this build", BenchProcess.Self, "b", sources, jobs, log, ct));
        return sides;
    }

    private async Task<ImportSide> RunSideAsync(string way, string dll, string folder, IReadOnlyList<string> sources, int jobs, Action<string> log, CancellationToken ct)
    {
        string root = Path.Combine(work, folder);
        if (Directory.Exists(root)) Directory.Delete(root, true);
        string suite = Path.Combine(root, "suite");
        string[] args = ["tasks", "import", .. sources, "--out", suite, "--work", Path.Combine(root, "work"), "-j", jobs.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        log($"[bench import] {way}: {string.Join(' ', args)}");
        var env = new Dictionary<string, string?> { ["SOURCELESS_DRIVER_CACHE"] = Path.Combine(root, "drivers") };
        var r = await BenchProcess.RunAsync(dll, args, env, line => { if (line.StartsWith("[import]", StringComparison.Ordinal)) log("  " + line); }, ct);
        if (r.ExitCode != 0) throw new InvalidOperationException($"the import of '{way}' failed (exit {r.ExitCode}):\n{r.StderrTail}");
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(suite, Tasks.Import.ImportReport.FileName), ct));
        var o = json.RootElement;
        var t = o.GetProperty("seconds");
        return new ImportSide(way, r.Seconds, o.GetProperty("files_read").GetInt32(), o.GetProperty("functions_found").GetInt32(),
            o.GetProperty("candidates").GetInt32(), o.GetProperty("accepted").GetInt32(), t.GetProperty("total").GetDouble(),
            t.GetProperty("parse").GetDouble(), t.GetProperty("build").GetDouble(), t.GetProperty("run").GetDouble(), suite);
    }

    /// <summary>The files of two suites that differ (missing on one side, or other bytes), import.json
    /// aside: it holds times and scratch paths.</summary>
    public static IReadOnlyList<string> CompareSuites(string a, string b)
    {
        IEnumerable<string> Files(string root) => Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f)).Where(f => f != Tasks.Import.ImportReport.FileName);
        return Files(a).Union(Files(b)).Order(StringComparer.Ordinal)
            .Where(f => !File.Exists(Path.Combine(a, f)) || !File.Exists(Path.Combine(b, f))
                || !File.ReadAllBytes(Path.Combine(a, f)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(b, f))))
            .ToList();
    }
}

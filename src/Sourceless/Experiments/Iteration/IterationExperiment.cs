using Sourceless.Sandbox;
using Sourceless.Store;
using Sourceless.Trials;
using Sourceless.Experiments.VersionControl;
using static Sourceless.Experiments.ExperimentRuns;

namespace Sourceless.Experiments.Iteration;

/// <summary>
/// Experiment 1, iteration: every task's change request applied by every contender. For gcc and
/// clang the v2 reference stands for the developer's source edit, rebuilt by the compiler; a
/// bare-bytes contender regenerates its bytes. The v2 artifact runs the change plan (v2's tests,
/// and v1's tests whose answer the change keeps), and the edit is sized in the unit the
/// contender works in: source lines, or bytes when there is no source.
/// </summary>
public sealed class IterationExperiment : IExperiment
{
    public string Id => "iteration";
    public string? Needs => "a change request";
    public Concern Concern => Concern.Iteration;
    public IEnumerable<WorkItem> Plan(TrialContext context) =>
        context.Variants.Where(s => s.Version == "v2").Select(s => WorkItem.Of(Id, s));

    public async Task<IReadOnlyList<IRow>> RunAsync(WorkItem item, TrialContext context, CancellationToken ct)
    {
        string v1Id = Artifacts.ArtifactKey.Of(item.Task, "v1", Contender(context, item), item.Target, 0);
        var v2 = StoredArtifact.Load(context.Store, item.ArtifactId);
        var v1 = StoredArtifact.Load(context.Store, v1Id);
        double latency = LatencyMs(context.Store, item.ArtifactId);
        if (v2 is null)
        {
            return [new IterationRow(item.ArtifactId, item.ArtifactId, v1Id, "no_artifact", 0, 0, 0, 0, null, null, null, latency, "the v2 generation failed")];
        }
        var plan = context.Changes[item.Task];
        var exec = await context.Services.Runner.RunBareAsync(plan, item.RunIsa, v2.Code, ct);
        var report = DriverReport.Parse(exec.Raw.StandardOutput);
        int v2Pass = 0, v2Total = 0, keptPass = 0, keptTotal = 0;
        foreach (var c in plan.Cases)
        {
            // A run stopped by a clock counts no case (how far it got depends on the machine).
            bool ok = !exec.Outcome.StoppedByClock && report.Cases.TryGetValue(c.Index, out var got) && got == c.Expected;
            if (c.Kind == "kept") { keptTotal++; if (ok) keptPass++; }
            else if (c.Kind != "changed") { v2Total++; if (ok) v2Pass++; }
        }
        var (unit, changed, total) = EditSize(v1, v2);
        return [new IterationRow(item.ArtifactId, item.ArtifactId, v1Id, exec.Outcome.KindText, v2Pass, v2Total, keptPass, keptTotal, unit, changed, total, latency,
                exec.Outcome.Detail)];
    }

    /// <summary>The stored generation latency of an artifact (0 when it has none).</summary>
    internal static double LatencyMs(TrialStore store, string artifactId) =>
        D(store.Rows<Latency>("SELECT latency_ms FROM artifacts WHERE artifact_id = $1", artifactId).FirstOrDefault()?.LatencyMs);

    private static string Contender(TrialContext context, WorkItem item) =>
        context.Variants.First(s => s.ArtifactId == item.ArtifactId).Contender.Name;

    /// <summary>The edit in the contender's own unit: changed source lines when both versions have
    /// source, otherwise changed bytes (inserted + deleted, out of both versions' sizes).</summary>
    public static (string Unit, int? Changed, int? Total) EditSize(StoredArtifact? v1, StoredArtifact v2)
    {
        if (v1 is null) return ("none", null, null);
        if (v1.Source is not null && v2.Source is not null)
        {
            var a = v1.Source.Split('\n');
            var b = v2.Source.Split('\n');
            return ("source lines", EditScript.Changed(EditScript.Diff(a, b)), a.Length + b.Length);
        }
        return ("bytes", EditScript.Changed(EditScript.Diff(v1.Code, v2.Code)), v1.Code.Length + v2.Code.Length);
    }

    public const string ScoreSql = """
        SELECT a.contender, COUNT(*) AS changes,
               AVG(CASE WHEN i.v2_total > 0 AND i.v2_passed = i.v2_total AND i.kept_passed = i.kept_total THEN 1.0 ELSE 0.0 END) AS correct,
               AVG(CASE WHEN i.v2_total > 0 THEN i.v2_passed * 1.0 / i.v2_total END) AS v2_rate,
               AVG(CASE WHEN i.kept_total > 0 THEN i.kept_passed * 1.0 / i.kept_total END) AS kept_rate,
               AVG(COALESCE(i.units_changed * 1.0 / NULLIF(i.units_total, 0), 1.0)) AS rewritten,
               AVG(CASE WHEN i.v2_total > 0 AND i.v2_passed = i.v2_total AND i.kept_passed = i.kept_total THEN 1.0 ELSE 0.0 END
                   * (1 - COALESCE(i.units_changed * 1.0 / NULLIF(i.units_total, 0), 1.0))) AS score_mean,
               MODE(i.edit_unit) AS unit, MEDIAN(i.latency_ms) AS latency_ms
        FROM iterations i JOIN artifacts a ON a.artifact_id = i.artifact_id
        GROUP BY a.contender ORDER BY a.contender
        """;

    public ReportSection Report(TrialStore store, TrialSettings facts)
    {
        var rows = store.Rows<ScoreInputs>(ScoreSql);
        var scores = rows.Select(r => new ExperimentScore(Id, Concern, S(r.Contender), 100 * D(r.ScoreMean),
            $"{Pct(r.Correct)} of {S(r.Changes)} changes correct (v2 tests and kept v1 tests), {Pct(r.Rewritten)} of the artifact rewritten ({S(r.Unit)})")).ToList();
        var contenders = rows.Select(r => S(r.Contender)).ToList();
        var bars = new BarSeries("Change requests: correct after the change, and share of the artifact rewritten", contenders,
            [("change correct", rows.Select(r => 100 * D(r.Correct)).ToList()),
             ("v1 behaviour kept", rows.Select(r => 100 * D(r.KeptRate)).ToList()),
             ("artifact rewritten", rows.Select(r => 100 * D(r.Rewritten)).ToList())], "%");
        var byTask = store.Rows<PerTask>("""
            SELECT a.task, a.contender, COUNT(*) AS targets,
                   SUM(i.v2_passed) || '/' || SUM(i.v2_total) AS v2_cases, SUM(i.kept_passed) || '/' || SUM(i.kept_total) AS kept_cases,
                   MODE(i.edit_unit) AS unit, ROUND(AVG(i.units_changed), 1) AS changed, ROUND(AVG(i.units_total) / 2, 1) AS size, ROUND(MEDIAN(i.latency_ms), 1) AS ms
            FROM iterations i JOIN artifacts a ON a.artifact_id = i.artifact_id GROUP BY ALL ORDER BY 1, 2 LIMIT 60
            """);
        return new ReportSection(Id, Concern, "Iteration",
            "Every task's change request, applied by every contender at generation 0: gcc and clang rebuild the v2 source (the developer's edit); a bare-bytes contender regenerates its bytes. " +
            "The v2 artifact runs v2's hidden tests and v1's tests whose answers the change keeps. The rewritten share is the edit distance (inserted + deleted) over both versions' sizes, in source lines when the contender has source and in bytes when it has only bytes.",
            "score = 100 x mean over change requests of [v2 tests and kept v1 tests all pass] x (1 - rewritten share of the artifact)",
            ScoreSql, scores,
            [
                new ReportTable("Score inputs per contender", ["contender", "changes", "correct", "v2 cases", "v1 kept", "rewritten", "unit", "median time to new artifact (ms)"],
                    rows.Select(r => (IReadOnlyList<string>)[S(r.Contender), S(r.Changes), Pct(r.Correct), Pct(r.V2Rate), Pct(r.KeptRate), Pct(r.Rewritten), S(r.Unit), Num(r.LatencyMs, "0.0")]).ToList()),
                new ReportTable("Per task (first 60 rows)", ["task", "contender", "targets", "v2 cases passed", "kept v1 cases passed", "unit", "mean changed", "mean size", "median ms"],
                    byTask.Select(r => (IReadOnlyList<string>)[S(r.Task), S(r.Contender), S(r.Targets), S(r.V2Cases), S(r.KeptCases), S(r.Unit), S(r.Changed), S(r.Size), S(r.Ms)]).ToList()),
            ],
            [bars]);
    }

    private sealed record Latency(double? LatencyMs);
    private sealed record ScoreInputs(string Contender, long Changes, double? Correct, double? V2Rate, double? KeptRate, double? Rewritten, double? ScoreMean,
        string? Unit, double? LatencyMs);
    private sealed record PerTask(string Task, string Contender, long Targets, string? V2Cases, string? KeptCases, string? Unit, double? Changed, double? Size, double? Ms);
}

/// <summary>One change request carried out by one contender (table iterations).</summary>
[Table("iterations")]
public sealed record IterationRow(string RowId, string ArtifactId, string V1ArtifactId, string Outcome, int V2Passed, int V2Total, int KeptPassed, int KeptTotal,
    string? EditUnit, int? UnitsChanged, int? UnitsTotal, double LatencyMs, string Detail) : IRow;

using Sourceless.Store;
using Sourceless.Targets;
using Sourceless.Trials;
using static Sourceless.Experiments.ExperimentRuns;

namespace Sourceless.Experiments;

/// <summary>
/// Experiment 4, portability: every artifact (generation 0) also runs on every other ISA of the
/// trial, and each contender is scored on how many ISAs it serves correctly from the same input
/// (task, compiler style, level).
/// </summary>
public sealed class PortabilityExperiment : IExperiment
{
    public string Id => "portability";
    public Concern Concern => Concern.Portability;

    /// <summary>Its score reads the reliability runs of each artifact on its own ISA.</summary>
    public IReadOnlyList<string> Reads => ["reliability"];

    public IEnumerable<WorkItem> Plan(TrialContext context)
    {
        var isas = context.Facts.Isas.Select(Isa.Parse).ToList();
        foreach (var s in context.Slots.Where(s => s.Index == 0))
            foreach (var isa in isas.Where(i => i != s.Target.Isa))
                yield return new WorkItem($"{Id}|{s.ArtifactId}|{isa.Name}", s.ArtifactId, s.Task.Name, s.Target, isa, 0);
    }

    public Task<IReadOnlyList<IRow>> RunAsync(WorkItem item, TrialContext context, CancellationToken ct) =>
        RunTestsAsync(Id, item, context, ct);

    public static string ScoreSql(int isaCount) => $"""
        WITH units AS (
          SELECT a.contender, a.task, a.compiler, a.opt,
                 COUNT(DISTINCT CASE WHEN e.outcome = 'passed' THEN a.isa END) AS served
          FROM artifacts a
          LEFT JOIN executions e ON e.artifact_id = a.artifact_id AND e.experiment = 'reliability' AND e.run_isa = a.isa
          WHERE a.version = 'v1' AND a.generation = 0
          GROUP BY ALL)
        SELECT contender, COUNT(*) AS inputs, AVG(served) AS mean_served,
               SUM(CASE WHEN served = {isaCount} THEN 1 ELSE 0 END) AS all_isas
        FROM units GROUP BY contender ORDER BY contender
        """;

    public ReportSection Report(TrialStore store, TrialSettings facts)
    {
        int n = facts.Isas.Count;
        string sql = ScoreSql(n);
        var rows = store.Rows<ScoreInputs>(sql);
        var scores = rows.Select(r => new ExperimentScore(Id, Concern, S(r.Contender), 100 * D(r.MeanServed) / n,
            $"{Num(r.MeanServed)} of {n} ISAs served correctly on average over {S(r.Inputs)} inputs; all {n} for {S(r.AllIsas)}")).ToList();
        var matrix = store.Rows<IsaPair>("""
            SELECT a.contender, a.isa AS built_for, e.run_isa,
                   COUNT(*) AS runs, AVG(CASE WHEN e.outcome = 'passed' THEN 1.0 ELSE 0.0 END) AS pass_rate,
                   MODE(e.outcome) AS typical_outcome
            FROM artifacts a JOIN executions e ON e.artifact_id = a.artifact_id
            WHERE a.version = 'v1' AND a.generation = 0 AND e.experiment IN ('reliability', 'portability')
            GROUP BY ALL ORDER BY 1, 2, 3
            """);
        var contenders = rows.Select(r => S(r.Contender)).ToList();
        var bars = new BarSeries("Share of artifacts passing, by ISA built for -> ISA run on", contenders,
            (from b in facts.Isas from r in facts.Isas select (b, r)).Select(p => ($"{p.b} -> {p.r}", (IReadOnlyList<double>)contenders.Select(c =>
                100 * D(matrix.FirstOrDefault(m => S(m.Contender) == c && S(m.BuiltFor) == p.b && S(m.RunIsa) == p.r)?.PassRate)).ToList())).ToList(), "%");
        return new ReportSection(Id, Concern, "Portability",
            "Generation 0 of every artifact ran on every ISA of the trial: on its own ISA (from the reliability runs) and on the others (the same bytes through the other ISA's driver). " +
            "A contender serves an ISA for an input when its artifact for that ISA passes there.",
            $"score = 100 x mean over inputs (task, compiler, level) of (ISAs whose artifact passes its hidden tests / {n} ISAs)",
            sql, scores,
            [
                new ReportTable("Score inputs per contender", ["contender", "inputs", "mean ISAs served", $"inputs served on all {n}"],
                    rows.Select(r => (IReadOnlyList<string>)[S(r.Contender), S(r.Inputs), Num(r.MeanServed), S(r.AllIsas)]).ToList()),
                new ReportTable("The same bytes on every ISA (generation 0)", ["contender", "built for", "run on", "runs", "pass rate", "typical outcome"],
                    matrix.Select(r => (IReadOnlyList<string>)[S(r.Contender), S(r.BuiltFor), S(r.RunIsa), S(r.Runs), Pct(r.PassRate), S(r.TypicalOutcome)]).ToList()),
            ],
            [bars]);
    }

    private sealed record ScoreInputs(string Contender, long Inputs, double? MeanServed, long AllIsas);
    private sealed record IsaPair(string Contender, string BuiltFor, string RunIsa, long Runs, double? PassRate, string? TypicalOutcome);
}

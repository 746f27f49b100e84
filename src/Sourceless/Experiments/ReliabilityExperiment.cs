using Sourceless.Store;
using Sourceless.Trials;
using static Sourceless.Experiments.ExperimentRuns;

namespace Sourceless.Experiments;

/// <summary>
/// Experiment 3, reliability vs the compiler: every generation's hidden-test outcome on its own
/// ISA, determinism over k generations of the same input, generation latency, and the run time
/// of the produced code (generation 0, the cases repeated).
/// </summary>
public sealed class ReliabilityExperiment : IExperiment
{
    public const int TimeRepeats = 20;

    public string Id => "reliability";
    public Concern Concern => Concern.Reliability;

    public IEnumerable<WorkItem> Plan(TrialContext context) =>
        context.Slots.Select(s => WorkItem.Of(Id, s, s.Index == 0 ? TimeRepeats : 0));

    public Task<IReadOnlyList<IRow>> RunAsync(WorkItem item, TrialContext context, CancellationToken ct) =>
        RunTestsAsync(Id, item, context, ct);

    public const string ScoreSql = """
        WITH gens AS (
          SELECT a.contender, a.task, a.target, a.generation, a.status, a.code_sha256,
                 COALESCE(e.outcome = 'passed', FALSE) AS passed
          FROM artifacts a
          LEFT JOIN executions e ON e.artifact_id = a.artifact_id AND e.experiment = 'reliability'
          WHERE a.version = 'v1'),
        same AS (
          SELECT contender, task, target,
                 COUNT(DISTINCT code_sha256) = 1 AND BOOL_AND(status = 'ok') AS identical
          FROM gens GROUP BY contender, task, target)
        SELECT g.contender,
               COUNT(*) AS generations,
               SUM(CASE WHEN g.passed THEN 1 ELSE 0 END) AS passed,
               AVG(CASE WHEN g.passed THEN 1.0 ELSE 0.0 END) AS pass_rate,
               (SELECT AVG(CASE WHEN s.identical THEN 1.0 ELSE 0.0 END) FROM same s WHERE s.contender = g.contender) AS determinism,
               (SELECT COUNT(*) FROM same s WHERE s.contender = g.contender) AS inputs
        FROM gens g GROUP BY g.contender ORDER BY g.contender
        """;

    public ReportSection Report(TrialStore store, TrialSettings facts)
    {
        var rows = store.Rows<ScoreInputs>(ScoreSql);
        var scores = rows.Select(r => new ExperimentScore(Id, Concern, S(r.Contender),
            100 * D(r.PassRate) * D(r.Determinism),
            $"pass rate {Pct(r.PassRate)} ({S(r.Passed)}/{S(r.Generations)} generations) x determinism {Pct(r.Determinism)} of {S(r.Inputs)} task-target inputs")).ToList();

        var outcomes = store.Rows<OutcomeCount>("""
            SELECT a.contender, COALESCE(e.outcome, 'no_artifact') AS outcome, COUNT(*) AS n
            FROM artifacts a LEFT JOIN executions e ON e.artifact_id = a.artifact_id AND e.experiment = 'reliability'
            WHERE a.version = 'v1' GROUP BY ALL ORDER BY 1, 2
            """);
        var latency = store.Rows<Latency>("""
            SELECT contender, isa,
                   quantile_cont(latency_ms, 0.5) AS p50, quantile_cont(latency_ms, 0.9) AS p90, MAX(latency_ms) AS max
            FROM artifacts WHERE version = 'v1' GROUP BY ALL ORDER BY 1, 2
            """);
        var runtime = store.Rows<RunTime>("""
            SELECT a.contender, a.isa, COUNT(*) AS n, quantile_cont(e.runtime_ns, 0.5) AS p50_ns,
                   AVG(a.code_bytes) AS mean_bytes
            FROM artifacts a JOIN executions e ON e.artifact_id = a.artifact_id AND e.experiment = 'reliability'
            WHERE a.version = 'v1' AND a.generation = 0 AND e.outcome = 'passed' AND e.runtime_ns IS NOT NULL
            GROUP BY ALL ORDER BY 1, 2
            """);
        var kinds = outcomes.Select(r => S(r.Outcome)).Distinct().Order(StringComparer.Ordinal).ToList();
        var contenders = outcomes.Select(r => S(r.Contender)).Distinct().ToList();
        var bars = new BarSeries("Outcome of every generation's hidden tests (share of generations)", contenders,
            kinds.Select(k => (k, (IReadOnlyList<double>)contenders.Select(c =>
            {
                double total = outcomes.Where(r => S(r.Contender) == c).Sum(r => D(r.N));
                return total == 0 ? 0 : 100 * outcomes.Where(r => S(r.Contender) == c && S(r.Outcome) == k).Sum(r => D(r.N)) / total;
            }).ToList())).ToList(), "%");

        return new ReportSection(Id, Concern, "Reliability vs the compiler",
            $"Each contender generated every task {facts.Generations} times per target; each generation ran the task's hidden tests in the sandbox on its own ISA. " +
            "Determinism asks whether the k generations of the same input are byte-identical. " +
            $"Limits per run: {Sandbox.SandboxLimits.Default.TestCpuSeconds} s of CPU (killed by a limit past it) and a {Sandbox.SandboxLimits.Default.WallClock.TotalSeconds:0} s wall clock; " +
            $"a run that reaches the wall clock is run again with {Harness.ArtifactRunner.ConfirmFactor}x the wall clock, and only that run decides whether it timed out.",
            "score = 100 x (generations passing all hidden tests / generations) x (task-target inputs whose k generations are byte-identical / inputs)",
            ScoreSql, scores,
            [
                new ReportTable("Score inputs per contender", ["contender", "generations", "passed", "pass rate", "determinism"],
                    rows.Select(r => (IReadOnlyList<string>)[S(r.Contender), S(r.Generations), S(r.Passed), Pct(r.PassRate), Pct(r.Determinism)]).ToList()),
                new ReportTable("Outcomes of the hidden tests", ["contender", "outcome", "generations"],
                    outcomes.Select(r => (IReadOnlyList<string>)[S(r.Contender), S(r.Outcome), S(r.N)]).ToList()),
                new ReportTable("Generation latency (ms, request to artifact)", ["contender", "isa", "p50", "p90", "max"],
                    latency.Select(r => (IReadOnlyList<string>)[S(r.Contender), S(r.Isa), Num(r.P50, "0.0"), Num(r.P90, "0.0"), Num(r.Max, "0.0")]).ToList()),
                new ReportTable($"Run time of the produced code: median ns per pass over all test cases (generation 0, passing, {TimeRepeats} repeats; aarch64/riscv64 times are under qemu-user)",
                    ["contender", "isa", "artifacts", "median ns", "mean code bytes"],
                    runtime.Select(r => (IReadOnlyList<string>)[S(r.Contender), S(r.Isa), S(r.N), Num(r.P50Ns, "0"), Num(r.MeanBytes, "0")]).ToList()),
            ],
            [bars]);
    }

    private sealed record ScoreInputs(string Contender, long Generations, long Passed, double? PassRate, double? Determinism, long Inputs);
    private sealed record OutcomeCount(string Contender, string Outcome, long N);
    private sealed record Latency(string Contender, string Isa, double? P50, double? P90, double? Max);
    private sealed record RunTime(string Contender, string Isa, long N, double? P50Ns, double? MeanBytes);
}

using System.Globalization;
using Sourceless.Contenders.Search;
using Sourceless.Harness;
using Sourceless.Store;
using Sourceless.Trials;
using static Sourceless.Experiments.ExperimentRuns;

namespace Sourceless.Experiments.Search;

/// <summary>
/// The AI side at its best, and what it costs. Every candidate that a search (<c>@best:K</c>) or a
/// repair loop (<c>@repair:N</c>) made runs on the hidden cases here, so the report can show the
/// hidden pass rate had the contender stopped after j candidates or rounds; and every contender's
/// cost is read from its rows: time to a correct artifact, local work, endpoint time, tokens and,
/// with --llm-price-per-mtok, money. The visible cases (examples, never scored) are listed. No
/// 0-100 score: cost is not one of the chart's nine concerns.
/// </summary>
public sealed class SearchExperiment : IExperiment
{
    public string Id => "search";
    public Concern Concern => Concern.Cost;
    public IReadOnlyList<string> Reads => ["reliability"];

    public IEnumerable<WorkItem> Plan(TrialContext context) =>
        context.Slots.Where(s => SearchStrategy.Split(s.Contender.Name).Strategy is not null).Select(s => WorkItem.Of(Id, s));

    public async Task<IReadOnlyList<IRow>> RunAsync(WorkItem item, TrialContext context, CancellationToken ct)
    {
        var plan = context.Plans[item.Task];
        var rows = new List<IRow>();
        foreach (var c in context.Store.Rows<CandidateCode>(
                     "SELECT seq, code, code_sha256 FROM candidates WHERE artifact_id = $1 AND code IS NOT NULL ORDER BY seq", item.ArtifactId))
        {
            // Shared with any untimed run of the same bytes on the same plan (reliability's of
            // generations 1..k-1, portability's): one run per image. Generation 0's reliability run
            // is timed, so never shared; its outcome is the same unless a run is flaky.
            string key = $"{plan.Key}|{item.RunIsa.Name}|{c.CodeSha256}";
            var shared = context.SharedRuns.GetOrAdd(key, _ => new Lazy<Task<(Execution, string)>>(async () =>
                (await context.Services.Runner.RunBareAsync(plan, item.RunIsa, c.Code, ct), item.ArtifactId)));
            var (exec, _) = await shared.Value;
            var o = exec.Outcome;
            rows.Add(new CandidateRunRow($"{item.Key}|{c.Seq}", item.ArtifactId, c.Seq, c.CodeSha256, o.KindText, o.CasesPassed, o.CasesTotal, o.Detail));
        }
        return rows;
    }

    /// <summary>Every candidate of a v1 artifact with its visible and hidden results.</summary>
    public const string CandidatesSql = """
        SELECT a.contender, a.artifact_id, c.seq, c.status, c.visible_outcome, c.visible_passed, r.outcome AS hidden_outcome
        FROM candidates c JOIN artifacts a ON a.artifact_id = c.artifact_id
        LEFT JOIN candidate_runs r ON r.artifact_id = c.artifact_id AND r.seq = c.seq
        WHERE a.version = 'v1' ORDER BY 1, 2, 3
        """;

    /// <summary>Per contender, over its v1 generations: how many, how many pass the hidden cases,
    /// and what they cost.</summary>
    public const string CostSql = """
        WITH gens AS (
          SELECT a.artifact_id, a.contender, a.latency_ms, COALESCE(e.outcome = 'passed', FALSE) AS passed
          FROM artifacts a LEFT JOIN executions e ON e.artifact_id = a.artifact_id AND e.experiment = 'reliability'
          WHERE a.version = 'v1'),
        asked AS (
          SELECT artifact_id, COUNT(*) AS requests, SUM(latency_ms) AS endpoint_ms,
                 SUM(prompt_tokens) AS tokens_in, SUM(completion_tokens) AS tokens_out
          FROM model_requests GROUP BY artifact_id),
        drawn AS (SELECT artifact_id, COUNT(*) AS candidates FROM candidates GROUP BY artifact_id)
        SELECT g.contender,
               COUNT(*) AS artifacts,
               SUM(CASE WHEN g.passed THEN 1 ELSE 0 END) AS correct,
               quantile_cont(g.latency_ms, 0.5) FILTER (WHERE g.passed) / 1000.0 AS median_seconds_to_correct,
               SUM(g.latency_ms) / 1000.0 AS total_s,
               SUM(g.latency_ms - COALESCE(asked.endpoint_ms, 0)) / 1000.0 AS local_s,
               SUM(COALESCE(asked.endpoint_ms, 0)) / 1000.0 AS endpoint_s,
               AVG(COALESCE(drawn.candidates, 1)) AS candidates_per_artifact,
               SUM(asked.requests) AS requests,
               SUM(asked.tokens_in) AS tokens_in,
               SUM(asked.tokens_out) AS tokens_out
        FROM gens g LEFT JOIN asked ON asked.artifact_id = g.artifact_id LEFT JOIN drawn ON drawn.artifact_id = g.artifact_id
        GROUP BY g.contender ORDER BY g.contender
        """;

    public const string CostFormula =
        "seconds to a correct artifact = median, over v1 generations that pass every hidden case, of the generation's latency (request to artifact, search and repair included); " +
        "local work = latency minus the time spent waiting on the model endpoint (builds, decoding, visible-case runs: wall seconds, about one core each); " +
        "price = (prompt tokens x IN + completion tokens x OUT) / 10^6 with --llm-price-per-mtok IN,OUT; per correct artifact = the contender's whole price / its correct generations";

    public ReportSection Report(TrialStore store, TrialSettings facts)
    {
        var cost = Cost(store, facts);
        var candidates = store.Rows<CandidateResult>(CandidatesSql);
        var curve = Curve(candidates);
        var visible = store.Rows<VisibleCase>(
            "SELECT task, version, case_index, arguments, expected FROM test_cases WHERE visible ORDER BY task, version, case_index");
        var counts = store.Rows<CaseCount>(
            "SELECT COUNT(DISTINCT task || '/' || version) AS plans, SUM(CASE WHEN visible THEN 1 ELSE 0 END) AS shown, SUM(CASE WHEN visible THEN 0 ELSE 1 END) AS hidden FROM test_cases")[0];
        var contenders = curve.Select(r => r.Contender).Distinct().ToList();
        var bars = new BarSeries("Hidden pass rate had the search stopped after j candidates (or repair rounds)", contenders,
            Enumerable.Range(1, curve.Count == 0 ? 0 : curve.Max(r => r.Budget)).Select(j => ($"j={j}", (IReadOnlyList<double>)contenders.Select(c =>
                100 * (curve.FirstOrDefault(r => r.Contender == c && r.Budget == j)?.HiddenPassRate ?? curve.Where(r => r.Contender == c).Last().HiddenPassRate)).ToList())).ToList(), "%");
        return new ReportSection(Id, Concern, "Search, repair and cost",
            $"Each task version's tests are split: {facts.Visible} seeded case(s) visible, the rest hidden ({S(counts.Shown)} visible and {S(counts.Hidden)} hidden cases over {S(counts.Plans)} task versions). " +
            "An AI contender may read the visible cases and run its candidates on them; only the hidden cases score, in this section and every other. " +
            $"@best:K draws up to K candidates and keeps the first that passes every visible case (else the one that passed most, the earliest on a tie); @repair:N sends a failed build or a failing visible case back to the model, up to N more rounds. " +
            "Every candidate is a row of candidates and ran on the hidden cases here (candidate_runs), so the curve below shows what stopping earlier would have scored. " +
            "Cost covers every contender: a compiler's cost is its compile.",
            CostFormula, CostSql, [],
            [
                new ReportTable("Cost per contender (v1 generations)",
                    ["contender", "generations", "correct", "median s to a correct artifact", "total s", "local work s", "endpoint s", "candidates per generation", "requests", "tokens in", "tokens out", "price per generation", "price per correct"],
                    cost.Select(r => (IReadOnlyList<string>)[r.Contender, S(r.Artifacts), S(r.Correct), Num(r.MedianSecondsToCorrect, "0.000"), Num(r.TotalS, "0.0"), Num(r.LocalS, "0.0"),
                        Num(r.EndpointS, "0.0"), Num(r.CandidatesPerArtifact, "0.00"), S(r.Requests), S(r.TokensIn), S(r.TokensOut),
                        r.PricePerArtifact is { } p ? "$" + p.ToString("0.0000", CultureInfo.InvariantCulture) : "-",
                        r.PricePerCorrect is { } q ? "$" + q.ToString("0.0000", CultureInfo.InvariantCulture) : "-"]).ToList()),
                new ReportTable("Hidden pass rate against candidates drawn or repair rounds (a generation stopped after j keeps what the rule keeps among its first j candidates)",
                    ["contender", "j", "generations", "passing visible", "passing hidden", "hidden pass rate"],
                    curve.Select(r => (IReadOnlyList<string>)[r.Contender, S(r.Budget), S(r.Generations), S(r.VisiblePassed), S(r.HiddenPassed), Pct(r.HiddenPassRate)]).ToList()),
                new ReportTable("The visible cases (examples; never scored)", ["task", "version", "case", "arguments", "expected"],
                    visible.Select(r => (IReadOnlyList<string>)[r.Task, r.Version, S(r.CaseIndex), r.Arguments, r.Expected ?? ""]).ToList()),
            ],
            curve.Count == 0 ? [] : [bars]);
    }

    /// <summary>The cost table, with prices from the llm kind's stored settings.</summary>
    public static IReadOnlyList<CostLine> Cost(TrialStore store, TrialSettings facts)
    {
        var llm = Contenders.Llm.LlmSettings.FromJson(facts.KindSettings.GetValueOrDefault(Contenders.Llm.LlmContender.Kind.Word));
        return store.Rows<CostInputs>(CostSql).Select(r =>
        {
            double? price = llm.PricePerMTok is { Count: 2 } p && r.TokensIn is not null
                ? ((r.TokensIn ?? 0) * p[0] + (r.TokensOut ?? 0) * p[1]) / 1e6 : null;
            return new CostLine(r.Contender, r.Artifacts, r.Correct, r.MedianSecondsToCorrect, r.TotalS, r.LocalS, r.EndpointS, r.CandidatesPerArtifact,
                r.Requests, r.TokensIn, r.TokensOut, price / Math.Max(1, r.Artifacts), r.Correct > 0 ? price / r.Correct : null);
        }).ToList();
    }

    /// <summary>What the kept-candidate rule keeps among each generation's first j candidates, for
    /// every j up to the most any generation drew, and how often that passes the hidden cases.</summary>
    public static IReadOnlyList<CurvePoint> Curve(IReadOnlyList<CandidateResult> rows)
    {
        var points = new List<CurvePoint>();
        foreach (var byContender in rows.GroupBy(r => r.Contender))
        {
            var gens = byContender.GroupBy(r => r.ArtifactId).Select(g => g.OrderBy(r => r.Seq).ToList()).ToList();
            int most = gens.Max(g => g.Count);
            for (int j = 1; j <= most; j++)
            {
                int visiblePassed = 0, hiddenPassed = 0;
                foreach (var g in gens)
                {
                    var kept = Kept(g.Take(j).ToList());
                    if (kept?.VisibleOutcome == "passed") visiblePassed++;
                    if (kept?.HiddenOutcome == "passed") hiddenPassed++;
                }
                points.Add(new CurvePoint(byContender.Key, j, gens.Count, visiblePassed, hiddenPassed, gens.Count == 0 ? 0 : (double)hiddenPassed / gens.Count));
            }
        }
        return points;
    }

    /// <summary>The rule of both strategies: the first candidate passing every visible case, else the
    /// one passing most (the earliest on a tie); none when no candidate gave bytes.</summary>
    private static CandidateResult? Kept(IReadOnlyList<CandidateResult> first) =>
        first.FirstOrDefault(c => c.VisibleOutcome == "passed")
        ?? first.Where(c => c.Status == "ok").OrderByDescending(c => c.VisiblePassed ?? 0).ThenBy(c => c.Seq).FirstOrDefault();

    public sealed record CandidateResult(string Contender, string ArtifactId, int Seq, string Status, string? VisibleOutcome, int? VisiblePassed, string? HiddenOutcome);
    public sealed record CurvePoint(string Contender, int Budget, int Generations, int VisiblePassed, int HiddenPassed, double HiddenPassRate);
    public sealed record CostLine(string Contender, long Artifacts, long Correct, double? MedianSecondsToCorrect, double? TotalS, double? LocalS, double? EndpointS,
        double? CandidatesPerArtifact, long? Requests, long? TokensIn, long? TokensOut, double? PricePerArtifact, double? PricePerCorrect);
    private sealed record CostInputs(string Contender, long Artifacts, long Correct, double? MedianSecondsToCorrect, double? TotalS, double? LocalS, double? EndpointS,
        double? CandidatesPerArtifact, long? Requests, long? TokensIn, long? TokensOut);
    private sealed record CandidateCode(int Seq, byte[] Code, string CodeSha256);
    private sealed record VisibleCase(string Task, string Version, int CaseIndex, string Arguments, string? Expected);
    private sealed record CaseCount(long Plans, long? Shown, long? Hidden);
}

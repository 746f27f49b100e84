using System.Globalization;
using Sourceless.Contenders;
using Sourceless.Experiments.Interpretability;
using Sourceless.Harness;
using Sourceless.Sandbox;
using Sourceless.Store;
using Sourceless.Tasks;
using Sourceless.Targets;
using Sourceless.Trials;
using static Sourceless.Experiments.ExperimentRuns;

namespace Sourceless.Experiments;

/// <summary>
/// Experiment 2, interpretability: single-bit flips in every contender's bytes against
/// single-character typos in the source of contenders that have one. Each fault is classified
/// (benign, crashed, hung, silently wrong, could not start; for typos: rejected with the right line
/// or elsewhere) and located when possible (a compiler error within one line of the typo; a crash
/// whose faulting PC maps through DWARF to the line of the flipped instruction).
/// </summary>
public sealed class InterpretabilityExperiment : IExperiment
{
    public string Id => "interpretability";
    public Concern Concern => Concern.Interpretability;

    /// <summary>Its CPU budgets come from the reliability runs' measured run times.</summary>
    public IReadOnlyList<string> Reads => ["reliability"];

    public IEnumerable<WorkItem> Plan(TrialContext context) =>
        context.Slots.Where(s => s.Index == 0 && context.Facts.FaultTasks.Contains(s.Task.Name)).Select(s => WorkItem.Of(Id, s));

    /// <summary>Per-fault value: +1 harmless or reported at the right place, 0 a loud failure with
    /// no location, -1 silent wrong output (the worst: nothing tells you anything happened).</summary>
    public static int Value(string outcome, bool located) => outcome switch
    {
        "benign" or "rejected_here" => 1,
        "wrong_output" => -1,
        _ => located ? 1 : 0,
    };

    public async Task<IReadOnlyList<IRow>> RunAsync(WorkItem item, TrialContext ctx, CancellationToken ct)
    {
        // Its raw rows are faults, not executions.
        return [.. await FaultsAsync(item, ctx, ct)];
    }

    private static async Task<List<FaultRow>> FaultsAsync(WorkItem item, TrialContext ctx, CancellationToken ct)
    {
        var code = ctx.Store.ArtifactCode(item.ArtifactId);
        if (code is null) return []; // no artifact: nothing to inject faults into
        var plan = ctx.Plans[item.Task];
        var facts = ctx.Facts;
        string work = ctx.Services.Workspace.Dir("faults", item.ArtifactId.Replace('/', '_').Replace(':', '_'));
        var lab = new FaultLab(ctx.Services, plan, item.ArtifactId, item.Target, item.RunIsa, work);

        // Typos, for contenders that have source: each is compiled; the ones that build run as images.
        var typos = new List<TypoBuild>();
        if (ctx.Store.ArtifactSource(item.ArtifactId) is not null && Target.Compilers.Contains(item.Target.Compiler) && facts.TypoBudget > 0)
        {
            string refText = await File.ReadAllTextAsync(plan.Task.V1.ReferencePath, ct);
            var drawn = DrawTypos(refText, facts, plan.Task.Name, item.Target.Compiler);
            for (int t = 0; t < drawn.Count; t++) typos.Add(await lab.BuildTypoAsync(refText, drawn[t], t, ct));
        }
        return await lab.RunAsync(code, ctx.Store.ArtifactDebugImage(item.ArtifactId), DrawFlips(code.Length, facts, item.ArtifactId), typos,
            BudgetMs(item.RunIsa), ct);
    }

    /// <summary>The bits to flip: every one when the budget covers the image, else a seeded sample without repeats.</summary>
    public static IReadOnlyList<int> DrawFlips(int codeLength, TrialSettings facts, string artifactId)
    {
        long bits = (long)codeLength * 8;
        if (bits <= facts.FlipBudget) return Enumerable.Range(0, (int)bits).ToList();
        return Sample((int)bits, facts.FlipBudget, new SplitMix64(SplitMix64.SeedFrom(facts.Seed, "flips", artifactId)));
    }

    /// <summary>The seeded typos of a task's reference for one compiler (the same for every target).</summary>
    public static IReadOnlyList<Typo> DrawTypos(string referenceText, TrialSettings facts, string task, string compiler) =>
        TypoMaker.Draw(referenceText, facts.TypoBudget, new SplitMix64(SplitMix64.SeedFrom(facts.Seed, "typos", task, compiler)));

    /// <summary>The per-mutant CPU budget: fixed per ISA (<see cref="MutantBudget"/>), so it is the same
    /// on every machine and at every load.</summary>
    public static int BudgetMs(Isa isa) => MutantBudget.Ms(isa);

    private static List<int> Sample(int n, int k, SplitMix64 rng)
    {
        var chosen = new HashSet<int>();
        while (chosen.Count < Math.Min(k, n)) chosen.Add(rng.Next(n));
        return chosen.Order().ToList();
    }

    public const string ScoreSql = """
        SELECT a.contender,
               COUNT(*) AS faults,
               SUM(CASE WHEN f.kind = 'flip' THEN 1 ELSE 0 END) AS flips,
               SUM(CASE WHEN f.kind = 'typo' THEN 1 ELSE 0 END) AS typos,
               SUM(CASE WHEN f.value = 1 THEN 1 ELSE 0 END) AS good,
               SUM(CASE WHEN f.value = -1 THEN 1 ELSE 0 END) AS silent,
               AVG(f.value) AS mean_value
        FROM faults f JOIN artifacts a USING (artifact_id)
        GROUP BY a.contender ORDER BY a.contender
        """;

    public ReportSection Report(TrialStore store, TrialSettings facts)
    {
        var rows = store.Rows<ScoreInputs>(ScoreSql);
        var scores = rows.Select(r => new ExperimentScore(Id, Concern, S(r.Contender), 100 * Math.Max(0, D(r.MeanValue)),
            $"{S(r.Good)} harmless or located, {S(r.Silent)} silently wrong, of {S(r.Faults)} faults ({S(r.Flips)} bit flips, {S(r.Typos)} typos)")).ToList();
        var byOutcome = store.Rows<OutcomeCount>("""
            SELECT a.contender, f.kind, f.outcome, COUNT(*) AS n
            FROM faults f JOIN artifacts a USING (artifact_id) GROUP BY ALL ORDER BY 1, 2, 3
            """);
        var headline = store.Rows<Headline>("""
            SELECT
              AVG(CASE WHEN kind = 'flip' THEN (outcome = 'wrong_output')::INT END) AS flip_silent,
              AVG(CASE WHEN kind = 'flip' THEN (outcome = 'benign')::INT END) AS flip_benign,
              AVG(CASE WHEN kind = 'flip' THEN located::INT END) AS flip_located,
              AVG(CASE WHEN kind = 'typo' THEN (outcome = 'rejected_here')::INT END) AS typo_here,
              AVG(CASE WHEN kind = 'typo' THEN (outcome = 'wrong_output')::INT END) AS typo_silent,
              COUNT(CASE WHEN kind = 'flip' THEN 1 END) AS flips, COUNT(CASE WHEN kind = 'typo' THEN 1 END) AS typos
            FROM faults
            """).FirstOrDefault();
        string words = headline is null || D(headline.Flips) == 0 ? "No faults were injected." :
            $"{Pct(headline.FlipSilent)} of {S(headline.Flips)} single bit flips changed the output with no error, {Pct(headline.FlipBenign)} were harmless, " +
            $"and {Pct(headline.FlipLocated)} crashed at an instruction that debug info maps to the flipped line; " +
            $"{Pct(headline.TypoHere)} of {S(headline.Typos)} typos were rejected with the exact line (within one), and {Pct(headline.TypoSilent)} compiled into silently wrong code.";
        var categories = byOutcome.Select(r => $"{S(r.Contender)} {S(r.Kind)}s").Distinct().ToList();
        // From harmless to worst, so the stacked bars read left to right; silent wrong output last.
        string[] order = ["benign", "rejected_here", "rejected_elsewhere", "crashed", "timed_out", "killed_by_limit", "could_not_start", "wrong_output"];
        var outcomes = byOutcome.Select(r => S(r.Outcome)).Distinct()
            .OrderBy(o => Array.IndexOf(order, o) is int i && i >= 0 ? i : order.Length).ThenBy(o => o, StringComparer.Ordinal).ToList();
        var bars = new BarSeries("Outcome of each injected fault (share of that contender's flips or typos)", categories,
            outcomes.Select(o => (o, (IReadOnlyList<double>)categories.Select(c =>
            {
                var group = byOutcome.Where(r => $"{S(r.Contender)} {S(r.Kind)}s" == c).ToList();
                double total = group.Sum(r => D(r.N));
                return total == 0 ? 0 : 100 * group.Where(r => S(r.Outcome) == o).Sum(r => D(r.N)) / total;
            }).ToList())).ToList(), "%", Stacked: true);
        var examples = store.Rows<Example>("""
            SELECT f.fault_id, f.kind, f.outcome, f.source_line, f.diagnostic_line, f.fault_line, f.detail
            FROM faults f WHERE f.outcome IN ('wrong_output', 'rejected_here', 'crashed') ORDER BY hash(f.fault_id) LIMIT 12
            """);
        return new ReportSection(Id, Concern, "Interpretability: a bit flip against a typo",
            $"{words} Bit flips hit every contender's generation-0 bytes in {facts.FaultTasks.Count} of the {facts.Tasks.Count} tasks (spread over categories; --fault-tasks all for every one), " +
            $"exhaustively up to {facts.FlipBudget} bits per artifact, a seeded sample above; " +
            $"typos ({facts.TypoBudget} seeded single-character edits per task and compiler) hit the source of contenders that have one. Each mutant ran the hidden tests " +
            "in the persistent runner inside the sandbox. " +
            $"Hung means: the mutant's test child spent its CPU budget ({MutantBudget.Ms(Targets.Isa.X86_64)} ms native, {MutantBudget.Ms(Targets.Isa.Parse("aarch64"))} ms under qemu, fixed, never measured), " +
            $"and then spent it again when re-run with {PersistentRunner.ConfirmFactor}x that budget ({MutantBudget.DecidingMs(Targets.Isa.X86_64)} ms, {MutantBudget.DecidingMs(Targets.Isa.Parse("aarch64"))} ms): only the confirmation run decides, " +
            "so neither a busy machine nor a faster one turns a slow mutant into a hung one. " +
            "Re-run any fault with: sourceless rerun RUN FAULT_ID.",
            "score = 100 x max(0, mean over faults of value), value = +1 harmless or reported at the right place (compiler error within one line of the typo, or a crash whose PC maps to the flipped line), 0 a loud failure with no location, -1 silently wrong output",
            ScoreSql, scores,
            [
                new ReportTable("Score inputs per contender", ["contender", "faults", "bit flips", "typos", "harmless or located", "silently wrong", "mean value"],
                    rows.Select(r => (IReadOnlyList<string>)[S(r.Contender), S(r.Faults), S(r.Flips), S(r.Typos), S(r.Good), S(r.Silent), Num(r.MeanValue, "0.000")]).ToList()),
                new ReportTable("Outcomes", ["contender", "fault", "outcome", "count"],
                    byOutcome.Select(r => (IReadOnlyList<string>)[S(r.Contender), S(r.Kind), S(r.Outcome), S(r.N)]).ToList()),
                new ReportTable("Examples (RUN is this report's run folder)", ["fault id", "outcome", "line", "diagnostic line", "fault line", "detail", "re-run it"],
                    examples.Select(r => (IReadOnlyList<string>)[S(r.FaultId), S(r.Outcome), S(r.SourceLine), S(r.DiagnosticLine), S(r.FaultLine), S(r.Detail),
                        $"./sourceless rerun RUN '{S(r.FaultId)}'"]).ToList()),
            ],
            [bars]);
    }

    private sealed record ScoreInputs(string Contender, long Faults, long Flips, long Typos, long Good, long Silent, double? MeanValue);
    private sealed record OutcomeCount(string Contender, string Kind, string Outcome, long N);
    private sealed record Headline(double? FlipSilent, double? FlipBenign, double? FlipLocated, double? TypoHere, double? TypoSilent, long Flips, long Typos);
    private sealed record Example(string FaultId, string Kind, string Outcome, int? SourceLine, int? DiagnosticLine, int? FaultLine, string? Detail);
}

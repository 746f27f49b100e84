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

    public IEnumerable<WorkItem> Plan(TrialContext context) =>
        context.Slots.Where(s => s.Index == 0).Select(s => new WorkItem($"{Id}|{s.ArtifactId}", s.ArtifactId, s.Task.Name, s.Target, s.Target.Isa, 0));

    /// <summary>Per-fault value: +1 harmless or reported at the right place, 0 a loud failure with
    /// no location, -1 silent wrong output (the worst: nothing tells you anything happened).</summary>
    public static int Value(string outcome, bool located) => outcome switch
    {
        "benign" or "rejected_here" => 1,
        "wrong_output" => -1,
        _ => located ? 1 : 0,
    };

    public async Task<IReadOnlyList<ExecutionRow>> RunAsync(WorkItem item, TrialContext ctx, CancellationToken ct)
    {
        // Its raw rows are faults, not executions: stored here, with the item's done marker.
        var rows = await FaultsAsync(item, ctx, ct);
        ctx.Store.RecordFaults(item.Key, rows);
        return [];
    }

    private static async Task<List<FaultRow>> FaultsAsync(WorkItem item, TrialContext ctx, CancellationToken ct)
    {
        var rows = new List<FaultRow>();
        var code = ctx.Store.ArtifactCode(item.ArtifactId);
        if (code is null) return rows; // no artifact: nothing to inject faults into
        var plan = ctx.Plans[item.Task];
        var task = plan.Task;
        var facts = ctx.Facts;
        var services = ctx.Services;
        string work = services.Workspace.Dir("faults", item.ArtifactId.Replace('/', '_').Replace(':', '_'));
        var rng = new SplitMix64(SplitMix64.SeedFrom(facts.Seed, "flips", item.ArtifactId));

        // Bit flips: exhaustive when the budget covers every bit, else a seeded sample without repeats.
        long bits = (long)code.Length * 8;
        var flips = bits <= facts.FlipBudget
            ? Enumerable.Range(0, (int)bits).ToList()
            : Sample((int)bits, facts.FlipBudget, rng);
        var mutants = new List<Mutant>();
        foreach (var b in flips) mutants.Add(new FlipMutant(b, b / 8, (byte)(1 << (b % 8))));

        // Typos, for contenders that have source: compile each; the ones that build run as images.
        string? source = ctx.Store.ArtifactSource(item.ArtifactId);
        var typoRows = new Dictionary<long, (Typo Typo, int Line, int? DiagLine)>();
        if (source is not null && Target.Compilers.Contains(item.Target.Compiler) && facts.TypoBudget > 0)
        {
            string refText = await File.ReadAllTextAsync(task.V1.ReferencePath, ct);
            var typos = TypoMaker.Draw(refText, facts.TypoBudget, new SplitMix64(SplitMix64.SeedFrom(facts.Seed, "typos", task.Name, item.Target.Compiler)));
            for (int t = 0; t < typos.Count; t++)
            {
                var typo = typos[t];
                string id = $"{item.ArtifactId}|typo|{t}";
                string file = Path.Combine(work, $"ref-typo{t}.c");
                await File.WriteAllTextAsync(file, typo.Apply(refText), ct);
                int line = typo.Line(refText);
                var (tool, _) = Toolchain.Compiler(item.Target.Compiler, item.Target.Isa);
                string obj = Path.Combine(work, $"typo{t}.o");
                var compile = await services.Tools.RunAsync(tool, Toolchain.CompileArgs(item.Target, file, obj,
                    [plan.Folder, SourcelessHome.LibDepDir], Diagnostics.Flags(item.Target.Compiler)), ct);
                var errors = Diagnostics.Parse(item.Target.Compiler, compile.StandardError).Where(d => d.Severity is "error" or "fatal error").ToList();
                if (!compile.Succeeded)
                {
                    var first = errors.FirstOrDefault(d => d.File.EndsWith(Path.GetFileName(file), StringComparison.Ordinal));
                    bool here = first is not null && Math.Abs(first.Line - line) <= 1;
                    string outcome = here ? "rejected_here" : "rejected_elsewhere";
                    rows.Add(new FaultRow(id, item.ArtifactId, "typo", typo.Position, null, typo.Encode(), line, outcome, null, first?.Line, null, here,
                        Value(outcome, here), $"{typo.Describe(refText)}: {(errors.FirstOrDefault()?.Message ?? compile.ErrorSummary(200))}"));
                    continue;
                }
                var link = await services.Contenders.Linker.LinkAsync(item.Target.Isa, obj, task.Signature.Name, work, ct);
                if (link.Image is null)
                {
                    rows.Add(new FaultRow(id, item.ArtifactId, "typo", typo.Position, null, typo.Encode(), line, "rejected_elsewhere", null, null, null, false,
                        0, $"{typo.Describe(refText)}: {link.Failure}"));
                    continue;
                }
                long mid = 1_000_000 + t;
                typoRows[mid] = (typo, line, null);
                mutants.Add(new ImageMutant(mid, link.Image));
            }
        }

        int timeout = TimeoutMs(ctx, item);
        var results = await new PersistentRunner(services.Runner).RunAsync(plan, item.RunIsa, code, mutants, timeout, ct);

        // Locate: the line of each flipped byte and of each faulting PC, through DWARF when there is some.
        var debug = ctx.Store.ArtifactDebugImage(item.ArtifactId);
        IReadOnlyDictionary<long, int> lines = new Dictionary<long, int>();
        if (debug is not null)
            lines = await SourceLines.MapAsync(debug, item.Target.Isa,
                flips.Select(b => (long)(b / 8)).Concat(results.Where(r => r.Id < 1_000_000).Select(r => r.FaultOffset)),
                Path.GetFileName(task.V1.ReferencePath), work, services.Tools, ct);

        foreach (var r in results)
        {
            string outcome = r.Kind == OutcomeKind.Passed ? "benign" : Outcome.Text(r.Kind);
            if (r.Id >= 1_000_000)
            {
                var (typo, line, _) = typoRows[r.Id];
                int t = (int)(r.Id - 1_000_000);
                rows.Add(new FaultRow($"{item.ArtifactId}|typo|{t}", item.ArtifactId, "typo", typo.Position, null, typo.Encode(), line, outcome,
                    r.Signal == 0 ? null : r.Signal, null, null, false, Value(outcome, false), $"compiled; {r.CasesPassed} cases passed"));
                continue;
            }
            int offset = (int)(r.Id / 8), bit = (int)(r.Id % 8);
            int? srcLine = lines.TryGetValue(offset, out var sl) ? sl : null;
            int? faultLine = r.FaultOffset >= 0 && lines.TryGetValue(r.FaultOffset, out var fl) ? fl : null;
            bool located = r.Kind == OutcomeKind.Crashed && srcLine is not null && faultLine == srcLine;
            rows.Add(new FaultRow($"{item.ArtifactId}|flip|{offset}.{bit}", item.ArtifactId, "flip", offset, bit, null, srcLine, outcome,
                r.Signal == 0 ? null : r.Signal, null, faultLine, located, Value(outcome, located),
                r.FaultOffset >= 0 ? $"fault at image offset 0x{r.FaultOffset:x}" : $"{r.CasesPassed} cases passed"));
        }
        return rows;
    }

    /// <summary>The per-mutant time budget: 30 times the task's measured run time on that ISA (from
    /// the reliability runs), plus the fork, within 100 ms .. 2 s.</summary>
    private static int TimeoutMs(TrialContext ctx, WorkItem item)
    {
        var rows = ctx.Store.Query("""
            SELECT median(e.runtime_ns) AS ns FROM executions e JOIN artifacts a USING (artifact_id)
            WHERE a.task = $1 AND e.run_isa = $2 AND e.runtime_ns IS NOT NULL AND e.outcome = 'passed'
            """, item.Task, item.RunIsa.Name);
        double ns = rows.Count > 0 && rows[0]["ns"] is not null ? D(rows[0]["ns"]) : 5e6;
        double fork = item.RunIsa.IsNative ? 20 : 80;
        return (int)Math.Clamp(30 * ns / 1e6 + fork, 100, 2000);
    }

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

    public ReportSection Report(TrialStore store, TrialFacts facts)
    {
        var rows = store.Query(ScoreSql);
        var scores = rows.Select(r => new ExperimentScore(Id, Concern, S(r["contender"]), 100 * Math.Max(0, D(r["mean_value"])),
            $"{S(r["good"])} harmless or located, {S(r["silent"])} silently wrong, of {S(r["faults"])} faults ({S(r["flips"])} bit flips, {S(r["typos"])} typos)")).ToList();
        var byOutcome = store.Query("""
            SELECT a.contender, f.kind, f.outcome, COUNT(*) AS n
            FROM faults f JOIN artifacts a USING (artifact_id) GROUP BY ALL ORDER BY 1, 2, 3
            """);
        var headline = store.Query("""
            SELECT
              AVG(CASE WHEN kind = 'flip' THEN (outcome = 'wrong_output')::INT END) AS flip_silent,
              AVG(CASE WHEN kind = 'flip' THEN (outcome = 'benign')::INT END) AS flip_benign,
              AVG(CASE WHEN kind = 'flip' THEN located::INT END) AS flip_located,
              AVG(CASE WHEN kind = 'typo' THEN (outcome = 'rejected_here')::INT END) AS typo_here,
              AVG(CASE WHEN kind = 'typo' THEN (outcome = 'wrong_output')::INT END) AS typo_silent,
              COUNT(CASE WHEN kind = 'flip' THEN 1 END) AS flips, COUNT(CASE WHEN kind = 'typo' THEN 1 END) AS typos
            FROM faults
            """).FirstOrDefault();
        string words = headline is null || D(headline["flips"]) == 0 ? "No faults were injected." :
            $"{Pct(headline["flip_silent"])} of {S(headline["flips"])} single bit flips changed the output with no error, {Pct(headline["flip_benign"])} were harmless, " +
            $"and {Pct(headline["flip_located"])} crashed at an instruction that debug info maps to the flipped line; " +
            $"{Pct(headline["typo_here"])} of {S(headline["typos"])} typos were rejected with the exact line (within one), and {Pct(headline["typo_silent"])} compiled into silently wrong code.";
        var categories = byOutcome.Select(r => $"{S(r["contender"])} {S(r["kind"])}s").Distinct().ToList();
        var outcomes = byOutcome.Select(r => S(r["outcome"])).Distinct().Order(StringComparer.Ordinal).ToList();
        var bars = new BarSeries("Outcome of each injected fault (share of that contender's flips or typos)", categories,
            outcomes.Select(o => (o, (IReadOnlyList<double>)categories.Select(c =>
            {
                var group = byOutcome.Where(r => $"{S(r["contender"])} {S(r["kind"])}s" == c).ToList();
                double total = group.Sum(r => D(r["n"]));
                return total == 0 ? 0 : 100 * group.Where(r => S(r["outcome"]) == o).Sum(r => D(r["n"])) / total;
            }).ToList())).ToList(), "%");
        var examples = store.Query("""
            SELECT f.fault_id, f.kind, f.outcome, f.source_line, f.diagnostic_line, f.fault_line, f.detail
            FROM faults f WHERE f.outcome IN ('wrong_output', 'rejected_here', 'crashed') ORDER BY hash(f.fault_id) LIMIT 12
            """);
        return new ReportSection(Id, Concern, "Interpretability: a bit flip against a typo",
            $"{words} Bit flips hit every contender's generation-0 bytes (exhaustively up to {facts.FlipBudget} bits per artifact, a seeded sample above); " +
            $"typos ({facts.TypoBudget} seeded single-character edits per task and compiler) hit the source of contenders that have one. Each mutant ran the hidden tests " +
            "in the persistent runner inside the sandbox. Re-run any fault with: sourceless rerun RUN FAULT_ID.",
            "score = 100 x max(0, mean over faults of value), value = +1 harmless or reported at the right place (compiler error within one line of the typo, or a crash whose PC maps to the flipped line), 0 a loud failure with no location, -1 silently wrong output",
            ScoreSql, scores,
            [
                new ReportTable("Score inputs per contender", ["contender", "faults", "bit flips", "typos", "harmless or located", "silently wrong", "mean value"],
                    rows.Select(r => (IReadOnlyList<string>)[S(r["contender"]), S(r["faults"]), S(r["flips"]), S(r["typos"]), S(r["good"]), S(r["silent"]), Num(r["mean_value"], "0.000")]).ToList()),
                new ReportTable("Outcomes", ["contender", "fault", "outcome", "count"],
                    byOutcome.Select(r => (IReadOnlyList<string>)[S(r["contender"]), S(r["kind"]), S(r["outcome"]), S(r["n"])]).ToList()),
                new ReportTable("Examples (re-run one: sourceless rerun RUN FAULT_ID)", ["fault id", "outcome", "line", "diagnostic line", "fault line", "detail"],
                    examples.Select(r => (IReadOnlyList<string>)[S(r["fault_id"]), S(r["outcome"]), S(r["source_line"]), S(r["diagnostic_line"]), S(r["fault_line"]), S(r["detail"])]).ToList()),
            ],
            [bars]);
    }
}

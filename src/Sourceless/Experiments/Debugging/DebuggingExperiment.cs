using Sourceless.Store;
using Sourceless.Trials;
using static Sourceless.Experiments.ExperimentRuns;

namespace Sourceless.Experiments.Debugging;

/// <summary>
/// Experiment 6, debugging: the fixed gdb checklist (<see cref="GdbChecklist"/>) on generation 0
/// of every contender and target, for the trial's fault tasks (the tasks the interpretability
/// experiment also digs into; --fault-tasks). Each check is a stored row with gdb's own words.
/// </summary>
public sealed class DebuggingExperiment : IExperiment
{
    public string Id => "debugging";
    public Concern Concern => Concern.Debugging;
    public IEnumerable<WorkItem> Plan(TrialContext context) =>
        context.Slots.Where(s => s.Index == 0 && context.Facts.FaultTasks.Contains(s.Task.Name)).Select(s => WorkItem.Of(Id, s));

    public async Task<IReadOnlyList<IRow>> RunAsync(WorkItem item, TrialContext context, CancellationToken ct)
    {
        var artifact = StoredArtifact.Load(context.Store, item.ArtifactId);
        if (artifact is null) return []; // nothing to look at: the runner marks the item done
        var plan = context.Plans[item.Task];
        var (results, command) = await GdbChecklist.RunAsync(plan, item.RunIsa, artifact, Path.GetFullPath(plan.Task.Folder),
            context.Services.Runner, context.Services.Workspace, ct);
        return [.. results.Select(r => new DebugCheckRow($"{item.ArtifactId}|{r.Check}", item.ArtifactId, r.Check, r.Passed, r.Evidence, command, r.Status))];
    }

    /// <summary>Tool errors (gdb or qemu never reached the checklist) are counted, not scored.</summary>
    public const string ScoreSql = """
        SELECT a.contender, COUNT(DISTINCT d.artifact_id) FILTER (WHERE d.status = 'ok') AS artifacts,
               COUNT(DISTINCT d.artifact_id) FILTER (WHERE d.status = 'tool_error') AS tool_errors,
               AVG(CASE WHEN d.passed THEN 1.0 ELSE 0.0 END) FILTER (WHERE d.status = 'ok') AS share,
               AVG(CASE WHEN d.passed THEN 1.0 ELSE 0.0 END) FILTER (WHERE d.status = 'ok' AND d.check_name = 'break') AS break,
               AVG(CASE WHEN d.passed THEN 1.0 ELSE 0.0 END) FILTER (WHERE d.status = 'ok' AND d.check_name = 'list') AS list,
               AVG(CASE WHEN d.passed THEN 1.0 ELSE 0.0 END) FILTER (WHERE d.status = 'ok' AND d.check_name = 'print') AS print,
               AVG(CASE WHEN d.passed THEN 1.0 ELSE 0.0 END) FILTER (WHERE d.status = 'ok' AND d.check_name = 'backtrace') AS backtrace,
               AVG(CASE WHEN d.passed THEN 1.0 ELSE 0.0 END) FILTER (WHERE d.status = 'ok' AND d.check_name = 'line') AS line
        FROM debug_checks d JOIN artifacts a ON a.artifact_id = d.artifact_id
        GROUP BY a.contender ORDER BY a.contender
        """;

    public ReportSection Report(TrialStore store, TrialSettings facts)
    {
        var rows = store.Rows<ScoreInputs>(ScoreSql);
        var scores = rows.Where(r => r.Share is not null).Select(r => new ExperimentScore(Id, Concern, S(r.Contender), 100 * D(r.Share),
            $"{Pct(r.Share)} of the checklist works over {S(r.Artifacts)} artifacts (break {Pct(r.Break)}, list {Pct(r.List)}, print {Pct(r.Print)}, backtrace {Pct(r.Backtrace)}, address to line {Pct(r.Line)}); {S(r.ToolErrors)} with a tool error, not scored")).ToList();
        var contenders = rows.Select(r => S(r.Contender)).ToList();
        var bars = new BarSeries("gdb checklist items that work", contenders,
            GdbChecklist.Checks.Select(c => (c, (IReadOnlyList<double>)rows.Select(r => 100 * D(r.Check(c))).ToList())).ToList(), "%");
        var byIsa = store.Rows<PerIsa>("""
            SELECT a.contender, a.isa, d.check_name, d.status, COUNT(*) AS artifacts, AVG(CASE WHEN d.passed THEN 1.0 ELSE 0.0 END) AS share, MIN(d.evidence) AS evidence
            FROM debug_checks d JOIN artifacts a ON a.artifact_id = d.artifact_id GROUP BY ALL ORDER BY 1, 2, 3
            """);
        return new ReportSection(Id, Concern, "Debugging",
            "gdb in batch mode, inside the sandbox, on generation 0 of every contender and target for the trial's fault tasks (gdb-multiarch attached to qemu-user -g on the sandbox's own loopback for aarch64 and riscv64). " +
            "The driver maps the image and gdb adds the artifact's own symbols at that address when it has any; then it tries: break on the function by name, list its source, print its first parameter by name, a symbolised backtrace, and map a code address to file:line. " +
            "A bare image gets a stop at its entry by address, so every check runs on a live frame.",
            "score = 100 x share of the checklist items (break by name, list, print a parameter, symbolised backtrace, address to file:line) that work, over artifacts whose gdb session ran (tool errors counted apart, never scored)",
            ScoreSql, scores,
            [
                new ReportTable("Score inputs per contender", ["contender", "artifacts", "tool errors", "checklist", "break", "list", "print", "backtrace", "address to line"],
                    rows.Select(r => (IReadOnlyList<string>)[S(r.Contender), S(r.Artifacts), S(r.ToolErrors), Pct(r.Share), Pct(r.Break), Pct(r.List), Pct(r.Print), Pct(r.Backtrace), Pct(r.Line)]).ToList()),
                new ReportTable("Per ISA and check, with what gdb said (one example)", ["contender", "ISA", "check", "status", "artifacts", "works", "gdb said"],
                    byIsa.Select(r => (IReadOnlyList<string>)[S(r.Contender), S(r.Isa), S(r.CheckName), S(r.Status), S(r.Artifacts), Pct(r.Share), S(r.Evidence)]).ToList()),
            ],
            [bars]);
    }

    private sealed record ScoreInputs(string Contender, long Artifacts, long ToolErrors, double? Share, double? Break, double? List, double? Print,
        double? Backtrace, double? Line)
    {
        /// <summary>The share of one checklist item (<see cref="GdbChecklist.Checks"/>), by its column name.</summary>
        public double? Check(string name) => name switch
        {
            "break" => Break, "list" => List, "print" => Print, "backtrace" => Backtrace, "line" => Line,
            _ => throw new InvalidOperationException($"gdb check '{name}' has no column in {nameof(DebuggingExperiment)}.{nameof(ScoreSql)}"),
        };
    }
    private sealed record PerIsa(string Contender, string Isa, string CheckName, string Status, long Artifacts, double? Share, string? Evidence);
}

/// <summary>One item of the gdb checklist on one artifact (table debug_checks).</summary>
[Table("debug_checks")]
public sealed record DebugCheckRow(string RowId, string ArtifactId, string CheckName, bool Passed, string Evidence, string CommandLine, string Status) : IRow;

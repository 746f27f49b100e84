using Sourceless.Artifacts;
using Sourceless.Store;
using Sourceless.Trials;
using static Sourceless.Experiments.ExperimentRuns;

namespace Sourceless.Experiments.Abstractions;

/// <summary>
/// Experiment 7, abstractions: what structure can be recovered from each artifact (generation 0 of
/// v1) as it was handed over: named functions (symbol table), parameters and locals with a name
/// and a type (DWARF, read by readelf), the source's comments, and the share of the image's bytes
/// that lie inside a named symbol. Bare bytes have none of these; that is the measurement.
/// </summary>
public sealed class AbstractionsExperiment : IExperiment
{
    public string Id => "abstractions";
    public Concern Concern => Concern.Abstractions;
    public IEnumerable<WorkItem> Plan(TrialContext context) =>
        context.Slots.Where(s => s.Index == 0).Select(s => WorkItem.Of(Id, s));

    public async Task<IReadOnlyList<IRow>> RunAsync(WorkItem item, TrialContext context, CancellationToken ct)
    {
        var artifact = StoredArtifact.Load(context.Store, item.ArtifactId);
        var rows = new List<StructureRow>();
        if (artifact is not null)
        {
            var task = context.Plans[item.Task].Task;
            var s = await MeasureAsync(artifact, task.Signature.Name, task.Signature.Parameters.Count, context.Services, ct);
            rows.Add(new StructureRow(item.ArtifactId, item.ArtifactId, s.FunctionsNamed, s.ParamsTotal, s.ParamsTyped, s.LocalsTyped, s.CommentLines, s.CodeBytes, s.NamedBytes, s.Evidence));
        }
        return [.. rows];
    }

    public sealed record Structure(int FunctionsNamed, int ParamsTotal, int ParamsTyped, int LocalsTyped, int CommentLines, int CodeBytes, int NamedBytes, string Evidence);

    public static async Task<Structure> MeasureAsync(StoredArtifact artifact, string function, int parameters, TrialServices services, CancellationToken ct)
    {
        int named = 0, covered = 0;
        var dwarf = DwarfSummary.None;
        var evidence = new List<string>();
        if (artifact.DebugImage is { } elf)
        {
            var symbols = ElfFile.Read(elf).Symbols()
                .Where(s => s.IsNamedCodeOrData)
                .Where(s => s.Value >= Artifact.ImageAddress && s.Value < Artifact.ImageAddress + (ulong)artifact.Code.Length).ToList();
            named = symbols.Count(s => s.IsFunction);
            var inside = new bool[artifact.Code.Length];
            foreach (var s in symbols)
                for (ulong a = s.Value; a < s.Value + s.Size && a - Artifact.ImageAddress < (ulong)inside.Length; a++) inside[a - Artifact.ImageAddress] = true;
            covered = inside.Count(b => b);
            evidence.Add("symbols: " + string.Join(" ", symbols.Select(s => s.Name).Distinct().Take(8)));
            string path = artifact.DebugImagePath(services.Workspace)!;
            var r = await services.Tools.RunAsync("readelf", ["--debug-dump=info", path], ct);
            if (r.Succeeded) dwarf = DwarfSummary.Parse(r.StandardOutput, function);
            evidence.Add("dwarf: " + (dwarf.Described ? string.Join(", ", dwarf.Names) : "no description of " + function));
        }
        else evidence.Add("bytes only: no symbol table, no DWARF");
        int comments = artifact.Source is null ? 0 : CommentLines(artifact.Source);
        if (artifact.Source is not null) evidence.Add($"source: {comments} comment lines");
        return new Structure(named, parameters, dwarf.ParamsTyped, dwarf.LocalsTyped, comments, artifact.Code.Length, covered, string.Join("; ", evidence));
    }

    /// <summary>Comment lines of the contender's own source file (not of the generated header).</summary>
    public static int CommentLines(string source)
    {
        string own = ArtifactSource.Own(source)?.Text ?? source;
        int n = 0;
        bool inBlock = false;
        foreach (var line in own.Split('\n'))
        {
            bool has = inBlock || line.Contains("//", StringComparison.Ordinal) || line.Contains("/*", StringComparison.Ordinal);
            if (line.Contains("/*", StringComparison.Ordinal)) inBlock = !line[line.LastIndexOf("/*", StringComparison.Ordinal)..].Contains("*/", StringComparison.Ordinal);
            else if (inBlock && line.Contains("*/", StringComparison.Ordinal)) inBlock = false;
            if (has) n++;
        }
        return n;
    }

    public const string ScoreSql = """
        SELECT a.contender, COUNT(*) AS artifacts,
               AVG(CASE WHEN s.functions_named > 0 THEN 1.0 ELSE 0.0 END) AS named,
               AVG(CASE WHEN s.params_total = 0 THEN 1.0 ELSE LEAST(s.params_typed, s.params_total) * 1.0 / s.params_total END) AS typed,
               AVG(CASE WHEN a.has_source THEN 1.0 ELSE 0.0 END) AS with_source,
               AVG(s.named_bytes * 1.0 / s.code_bytes) AS covered,
               SUM(s.locals_typed) AS locals, SUM(s.comment_lines) AS comments
        FROM structure s JOIN artifacts a USING (artifact_id)
        GROUP BY a.contender ORDER BY a.contender
        """;

    public ReportSection Report(TrialStore store, TrialSettings facts)
    {
        var rows = store.Rows<ScoreInputs>(ScoreSql);
        var scores = rows.Select(r => new ExperimentScore(Id, Concern, S(r.Contender),
            100 * (D(r.Named) + D(r.Typed) + D(r.WithSource) + D(r.Covered)) / 4,
            $"named {Pct(r.Named)}, typed parameters {Pct(r.Typed)}, source with comments {Pct(r.WithSource)}, bytes in named symbols {Pct(r.Covered)} over {S(r.Artifacts)} artifacts")).ToList();
        var contenders = rows.Select(r => S(r.Contender)).ToList();
        var bars = new BarSeries("Recoverable structure per contender", contenders,
            [("named function", rows.Select(r => 100 * D(r.Named)).ToList()),
             ("typed parameters", rows.Select(r => 100 * D(r.Typed)).ToList()),
             ("source + comments", rows.Select(r => 100 * D(r.WithSource)).ToList()),
             ("bytes in named symbols", rows.Select(r => 100 * D(r.Covered)).ToList())], "%");
        var examples = store.Rows<Example>("""
            SELECT a.contender, a.task, a.target, s.functions_named, s.params_typed || '/' || s.params_total AS params, s.locals_typed,
                   s.comment_lines, s.named_bytes || '/' || s.code_bytes AS named_bytes, s.evidence
            FROM structure s JOIN artifacts a USING (artifact_id)
            QUALIFY ROW_NUMBER() OVER (PARTITION BY a.contender ORDER BY a.task, a.target) <= 3 ORDER BY 1, 2, 3
            """);
        return new ReportSection(Id, Concern, "Abstractions",
            "What a reader can recover from each artifact (generation 0 of v1) as handed over: the symbol table and DWARF of the linked code when the contender has them, its source's comments, and how much of the image lies inside named symbols. " +
            "Bare bytes carry none of it; a decompiler would have to guess every name and type.",
            "score = 100 x mean over artifacts of (task function named + share of parameters with DWARF name and type + source with its comments present + share of image bytes inside named symbols) / 4",
            ScoreSql, scores,
            [
                new ReportTable("Score inputs per contender", ["contender", "artifacts", "named function", "typed parameters", "source present", "bytes in named symbols", "typed locals", "comment lines"],
                    rows.Select(r => (IReadOnlyList<string>)[S(r.Contender), S(r.Artifacts), Pct(r.Named), Pct(r.Typed), Pct(r.WithSource), Pct(r.Covered), S(r.Locals), S(r.Comments)]).ToList()),
                new ReportTable("Examples (first three artifacts per contender)", ["contender", "task", "target", "named functions", "typed params", "typed locals", "comment lines", "named bytes", "evidence"],
                    examples.Select(r => (IReadOnlyList<string>)[S(r.Contender), S(r.Task), S(r.Target), S(r.FunctionsNamed), S(r.Params), S(r.LocalsTyped), S(r.CommentLines), S(r.NamedBytes), S(r.Evidence)]).ToList()),
            ],
            [bars]);
    }

    private sealed record ScoreInputs(string Contender, long Artifacts, double? Named, double? Typed, double? WithSource, double? Covered, long? Locals, long? Comments);
    private sealed record Example(string Contender, string Task, string Target, int? FunctionsNamed, string? Params, int? LocalsTyped, int? CommentLines,
        string? NamedBytes, string? Evidence);
}

/// <summary>What an artifact carries of the source's abstractions (table structure).</summary>
[Table("structure")]
public sealed record StructureRow(string RowId, string ArtifactId, int FunctionsNamed, int ParamsTotal, int ParamsTyped, int LocalsTyped, int CommentLines,
    int CodeBytes, int NamedBytes, string Evidence) : IRow;

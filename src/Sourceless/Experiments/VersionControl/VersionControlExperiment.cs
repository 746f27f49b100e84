using System.Globalization;
using Sourceless.Artifacts;
using Sourceless.Store;
using Sourceless.Tools;
using Sourceless.Trials;
using static Sourceless.Experiments.ExperimentRuns;

namespace Sourceless.Experiments.VersionControl;

/// <summary>
/// Experiment 5, version control: the v1 and v2 artifacts of every change request (generation 0)
/// diffed as a reviewer would see them. Source: `diff -u`. Bytes: the shortest edit script over
/// bytes, its hunks, the bsdiff patch size, and for each hunk whether it can be attributed to a
/// named symbol or a source line (through the artifact's symbol table and DWARF, by addr2line).
/// </summary>
public sealed class VersionControlExperiment : IExperiment
{
    public string Id => "version-control";
    public string? Needs => "a change request";
    public Concern Concern => Concern.VersionControl;
    public IEnumerable<WorkItem> Plan(TrialContext context) =>
        context.Variants.Where(s => s.Version == "v2").Select(s => WorkItem.Of(Id, s));

    public async Task<IReadOnlyList<IRow>> RunAsync(WorkItem item, TrialContext context, CancellationToken ct)
    {
        var v2 = StoredArtifact.Load(context.Store, item.ArtifactId);
        var v1 = v2 is null ? null : StoredArtifact.Load(context.Store, Artifacts.ArtifactKey.Of(v2.Task, "v1", v2.Contender, v2.Target, 0));
        if (v1 is null || v2 is null) return []; // nothing to look at: the runner marks the item done
        var d = await DiffAsync(v1, v2, context.Plans[item.Task].Task.Signature.Name, context.Services, ct);
        return [new DiffRow(item.ArtifactId, v2.Id, v1.Id, d.SourceLinesChanged, d.SourceDiff, v1.Code.Length, v2.Code.Length, d.BytesChanged, d.BsdiffBytes,
                d.Hunks, d.HunksAttributed, d.BytesOutsideFunction, d.Attribution, d.HunkDetail)];
    }

    public sealed record Diff(int? SourceLinesChanged, string? SourceDiff, int BytesChanged, int? BsdiffBytes, int Hunks, int HunksAttributed,
        int? BytesOutsideFunction, string Attribution, string HunkDetail);

    public static async Task<Diff> DiffAsync(StoredArtifact v1, StoredArtifact v2, string function, TrialServices services, CancellationToken ct)
    {
        var tools = services.Tools;
        string dir = services.Workspace.Dir("diff", Harness.Workspace.Hash(v1.Id + "|" + v2.Id)[..16]);
        int? sourceChanged = null;
        string? sourceDiff = null;
        if (v1.Source is not null && v2.Source is not null)
        {
            string a = Path.Combine(dir, "v1.c"), b = Path.Combine(dir, "v2.c");
            await File.WriteAllTextAsync(a, v1.Source, ct);
            await File.WriteAllTextAsync(b, v2.Source, ct);
            var r = await tools.RunAsync("diff", ["-u", "--label", "v1.c", "--label", "v2.c", a, b], ct);
            sourceDiff = r.StandardOutput;
            sourceChanged = EditScript.Changed(EditScript.Diff(v1.Source.Split('\n'), v2.Source.Split('\n')));
        }
        var hunks = EditScript.Diff(v1.Code, v2.Code);
        string old = Path.Combine(dir, "v1.bin"), @new = Path.Combine(dir, "v2.bin"), patch = Path.Combine(dir, "v1-v2.bsdiff");
        await File.WriteAllBytesAsync(old, v1.Code, ct);
        await File.WriteAllBytesAsync(@new, v2.Code, ct);
        int? patchBytes = await BsdiffBytesAsync(tools, old, @new, patch, ct);

        // Attribution: each hunk's address (in v2, or in v1 for a pure deletion) against the named
        // symbols and line table of the version it lies in. Bare bytes have neither.
        if (!v1.HasSymbols || !v2.HasSymbols)
            return new Diff(sourceChanged, sourceDiff, EditScript.Changed(hunks), patchBytes, hunks.Count, 0, null, "none: bytes only",
                string.Join("; ", hunks.Take(12).Select(h => $"+0x{h.Start2:x} -{h.Length1}/+{h.Length2} ??")));
        var lines2 = await LinesAsync(v2, hunks.Select(h => h.Start2), services, ct);
        var lines1 = await LinesAsync(v1, hunks.Select(h => h.Start1), services, ct);
        var sym1 = Symbols(v1);
        var sym2 = Symbols(v2);
        int attributed = 0, outside = 0;
        var detail = new List<string>();
        for (int i = 0; i < hunks.Count; i++)
        {
            var h = hunks[i];
            bool inNew = h.Length2 > 0;
            string? symbol = inNew ? SymbolAt(sym2, h.Start2) : SymbolAt(sym1, h.Start1);
            string? line = inNew ? lines2[i] : lines1[i];
            if (symbol is not null || line is not null) attributed++;
            if (symbol != function) outside += h.Length1 + h.Length2;
            if (detail.Count < 12) detail.Add($"+0x{h.Start2:x} -{h.Length1}/+{h.Length2} {symbol ?? "??"} {line ?? "?:?"}");
        }
        return new Diff(sourceChanged, sourceDiff, EditScript.Changed(hunks), patchBytes, hunks.Count, attributed, outside, "symbols + DWARF line table",
            string.Join("; ", detail));
    }

    /// <summary>The size of bsdiff's patch from one file to the other. A bsdiff that fails measured
    /// nothing: null (a tool error, counted in the report), never a number a MEDIAN would take in.</summary>
    public static async Task<int?> BsdiffBytesAsync(ToolRunner tools, string old, string @new, string patch, CancellationToken ct)
    {
        var bs = await tools.RunAsync("bsdiff", [old, @new, patch], ct);
        return bs.Succeeded && File.Exists(patch) ? (int)new FileInfo(patch).Length : null;
    }

    private static IReadOnlyList<ElfFile.Symbol> Symbols(StoredArtifact a) =>
        ElfFile.Read(a.DebugImage!).Symbols().Where(s => s.IsNamedCodeOrData).ToList();

    private static string? SymbolAt(IReadOnlyList<ElfFile.Symbol> symbols, int offset)
    {
        ulong address = Artifact.ImageAddress + (ulong)offset;
        return symbols.FirstOrDefault(s => address >= s.Value && address < s.Value + s.Size)?.Name;
    }

    /// <summary>file:line for image offsets, by one addr2line call; null where it has none.</summary>
    private static async Task<IReadOnlyList<string?>> LinesAsync(StoredArtifact a, IEnumerable<int> offsets, TrialServices services, CancellationToken ct)
    {
        var list = offsets.ToList();
        if (list.Count == 0) return [];
        string elf = a.DebugImagePath(services.Workspace)!;
        var args = new List<string> { "-e", elf };
        args.AddRange(list.Select(o => "0x" + (Artifact.ImageAddress + (ulong)o).ToString("x", CultureInfo.InvariantCulture)));
        var r = await services.Tools.RunAsync("addr2line", args, ct);
        var lines = r.StandardOutput.Split('\n');
        return list.Select((_, i) => i < lines.Length && !lines[i].StartsWith("??", StringComparison.Ordinal) && !lines[i].EndsWith(":?", StringComparison.Ordinal) && lines[i].Length > 0
            ? Path.GetFileName(lines[i].Split(' ')[0]) : null).ToList();
    }

    public const string ScoreSql = """
        SELECT a.contender, COUNT(*) AS pairs,
               AVG(d.hunks_attributed * 1.0 / NULLIF(d.hunks, 0)) AS attributed,
               AVG(CASE WHEN d.source_diff IS NOT NULL THEN 1.0 ELSE 0.0 END) AS with_source_diff,
               MEDIAN(d.source_lines_changed) AS source_lines, MEDIAN(d.bytes_changed) AS bytes_changed, MEDIAN(d.hunks) AS hunks,
               MEDIAN(d.bsdiff_bytes) AS bsdiff, MEDIAN(d.bytes_outside_function) AS outside,
               COUNT(*) FILTER (WHERE d.bsdiff_bytes IS NULL) AS bsdiff_tool_errors
        FROM diffs d JOIN artifacts a ON a.artifact_id = d.artifact_id
        GROUP BY a.contender ORDER BY a.contender
        """;

    public ReportSection Report(TrialStore store, TrialSettings facts)
    {
        var rows = store.Rows<ScoreInputs>(ScoreSql);
        var scores = rows.Select(r => new ExperimentScore(Id, Concern, S(r.Contender), 100 * D(r.Attributed),
            $"{Pct(r.Attributed)} of binary diff hunks attributable to a symbol or source line over {S(r.Pairs)} v1->v2 pairs; median {Num(r.Hunks)} hunks, {Num(r.BytesChanged)} bytes changed, bsdiff {Num(r.Bsdiff)} B")).ToList();
        var contenders = rows.Select(r => S(r.Contender)).ToList();
        var bars = new BarSeries("Binary diff hunks a reviewer can attribute, and pairs with a source diff", contenders,
            [("hunks attributed", rows.Select(r => 100 * D(r.Attributed)).ToList()),
             ("source diff available", rows.Select(r => 100 * D(r.WithSourceDiff)).ToList())], "%");
        var examples = store.Rows<Example>("""
            SELECT a.contender, a.task, a.target, d.source_lines_changed, d.bytes_changed, d.hunks, d.hunks_attributed, d.bytes_outside_function,
                   d.bsdiff_bytes, d.hunk_detail
            FROM diffs d JOIN artifacts a ON a.artifact_id = d.artifact_id
            QUALIFY ROW_NUMBER() OVER (PARTITION BY a.contender ORDER BY a.task, a.target) <= 3 ORDER BY 1, 2, 3
            """);
        return new ReportSection(Id, Concern, "Version control",
            "The v1 and v2 artifacts of every change request (generation 0), diffed: the source with diff -u when the contender has source, the bytes with the shortest edit script and bsdiff. " +
            "A binary hunk is attributable when the symbol table or the DWARF line table of the version it lies in names it; bare bytes leave every hunk as an anonymous offset.",
            "score = 100 x mean over v1->v2 pairs of (binary diff hunks attributable to a named symbol or source line / hunks)",
            ScoreSql, scores,
            [
                new ReportTable("Score inputs per contender", ["contender", "pairs", "hunks attributed", "source diff", "median source lines changed", "median bytes changed", "median hunks", "median bsdiff bytes", "bsdiff tool errors", "median bytes changed outside the function"],
                    rows.Select(r => (IReadOnlyList<string>)[S(r.Contender), S(r.Pairs), Pct(r.Attributed), Pct(r.WithSourceDiff), Num(r.SourceLines), Num(r.BytesChanged), Num(r.Hunks), Num(r.Bsdiff), S(r.BsdiffToolErrors), Num(r.Outside)]).ToList()),
                new ReportTable("Examples (first three pairs per contender); hunks as +offset -deleted/+inserted symbol file:line", ["contender", "task", "target", "source lines changed", "bytes changed", "hunks", "attributed", "outside the function", "bsdiff bytes", "hunks"],
                    examples.Select(r => (IReadOnlyList<string>)[S(r.Contender), S(r.Task), S(r.Target), S(r.SourceLinesChanged), S(r.BytesChanged), S(r.Hunks), S(r.HunksAttributed), S(r.BytesOutsideFunction), S(r.BsdiffBytes), S(r.HunkDetail)]).ToList()),
            ],
            [bars]);
    }

    private sealed record ScoreInputs(string Contender, long Pairs, double? Attributed, double? WithSourceDiff, double? SourceLines, double? BytesChanged,
        double? Hunks, double? Bsdiff, double? Outside, long BsdiffToolErrors);
    private sealed record Example(string Contender, string Task, string Target, int? SourceLinesChanged, int? BytesChanged, int? Hunks, int? HunksAttributed,
        int? BytesOutsideFunction, int? BsdiffBytes, string? HunkDetail);
}

/// <summary>The diff of one contender's v1 and v2 artifacts of a change request (table diffs).</summary>
[Table("diffs")]
public sealed record DiffRow(string RowId, string ArtifactId, string V1ArtifactId, int? SourceLinesChanged, string? SourceDiff, int BytesV1, int BytesV2,
    int BytesChanged, int? BsdiffBytes, int Hunks, int HunksAttributed, int? BytesOutsideFunction, string Attribution, string HunkDetail) : IRow;

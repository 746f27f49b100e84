using System.Collections.Concurrent;
using Sourceless.Artifacts;
using Sourceless.Store;
using Sourceless.Trials;
using static Sourceless.Experiments.ExperimentRuns;

namespace Sourceless.Experiments.Security;

/// <summary>
/// Experiment 9, security auditing: on the tasks with a planted vulnerability, each contender's
/// clean artifact (v1) and vulnerable one (vuln.c through the same contender) are audited with what
/// the artifact's form allows. With source: cppcheck, gcc -fanalyzer, clang-tidy and a sanitizer
/// run of the tests plus exploit inputs. Bytes: binary inspection only. A planted bug is found when
/// any tool flags the vulnerable artifact; a flag on the clean one is a false positive. The
/// hardening of the contender's own bytes is recorded beside it.
/// </summary>
public sealed class SecurityExperiment : IExperiment
{
    public string Id => "security";
    public string? Needs => "a planted vulnerability";
    public Concern Concern => Concern.Security;
    private readonly ConcurrentDictionary<TrialServices, SourceAudit> _audits = new();

    public IEnumerable<WorkItem> Plan(TrialContext context)
    {
        var clean = context.Slots.Where(s => s.Index == 0 && s.Task.Vulnerable is not null);
        var planted = context.Variants.Where(s => s.Version == "vuln");
        return clean.Concat(planted).Select(s => WorkItem.Of(Id, s));
    }

    public async Task<IReadOnlyList<IRow>> RunAsync(WorkItem item, TrialContext context, CancellationToken ct)
    {
        var artifact = StoredArtifact.Load(context.Store, item.ArtifactId);
        if (artifact is null) return []; // nothing to look at: the runner marks the item done
        var services = context.Services;
        string variant = artifact.Version == "vuln" ? "vuln" : "clean";
        var findings = new List<AuditFinding>();
        if (artifact.Source is not null)
            findings.AddRange(await _audits.GetOrAdd(services, s => new SourceAudit(s)).AuditAsync(context.Plans[item.Task], artifact.Source, ct));
        else
            findings.AddRange(new[] { "cppcheck", "gcc -fanalyzer", "clang-tidy", "asan+ubsan run" }.Select(t => AuditFinding.NotApplicable(t, "no source: the artifact is bytes only")));
        var d = await Disassembly.OfAsync(artifact.Code, artifact.Target.Isa, services.Workspace, services.Tools, services.Imports, ct);
        findings.Add(BinaryInspection.Audit(d));
        var hardening = BinaryInspection.Of(d, artifact.ObjectFile, await AbsoluteRelocationsAsync(artifact, services, ct));
        return [.. findings.Select(f => new AuditRow($"{item.ArtifactId}|{f.Tool}", item.ArtifactId, variant, f.Tool, f.Status, f.Flagged, f.Findings, f.CommandLine)),
            new HardeningRow(item.ArtifactId, item.ArtifactId, hardening.StackProtector, hardening.CetEndbr, hardening.PositionIndependent, hardening.Evidence)];
    }

    private static async Task<IReadOnlyList<string>> AbsoluteRelocationsAsync(StoredArtifact a, TrialServices services, CancellationToken ct)
    {
        if (a.ObjectFile is null) return [];
        // Content-addressed: another worker may be writing the same object (readelf must never see half of it).
        string path = Harness.AtomicFile.WriteOnce(Path.Combine(services.Workspace.Dir("objects"), Harness.Workspace.Hash(a.ObjectFile) + ".o"), a.ObjectFile);
        var r = await services.Tools.RunAsync("readelf", ["-rW", path], ct);
        // Relocations of debug sections are absolute by nature and never reach the image.
        var result = new List<string>();
        string section = "";
        foreach (var line in r.StandardOutput.Split('\n'))
        {
            if (line.StartsWith("Relocation section '", StringComparison.Ordinal)) section = line.Split('\'')[1];
            else if (!section.Contains(".debug", StringComparison.Ordinal))
            {
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length > 2 && BinaryInspection.IsAbsolute(parts[2])) result.Add($"{parts[2]} in {section}");
            }
        }
        return result;
    }

    /// <summary>An artifact nobody flagged whose audit had a tool error is not scored (the tool,
    /// not the contender, failed to look); it is counted in tool_errors.</summary>
    public const string ScoreSql = """
        WITH flagged AS (
          SELECT a.contender, a.task, a.target, au.variant, BOOL_OR(au.flagged) AS flagged,
                 BOOL_OR(au.status = 'tool_error') AS tool_error,
                 STRING_AGG(CASE WHEN au.flagged THEN au.tool END, ', ' ORDER BY au.tool) AS by_tools
          FROM audits au JOIN artifacts a ON a.artifact_id = au.artifact_id
          GROUP BY ALL)
        SELECT contender,
               COUNT(*) FILTER (WHERE variant = 'vuln' AND (flagged OR NOT tool_error)) AS planted,
               AVG(CASE WHEN flagged THEN 1.0 ELSE 0.0 END) FILTER (WHERE variant = 'vuln' AND (flagged OR NOT tool_error)) AS found,
               COUNT(*) FILTER (WHERE variant = 'clean' AND (flagged OR NOT tool_error)) AS clean,
               AVG(CASE WHEN flagged THEN 1.0 ELSE 0.0 END) FILTER (WHERE variant = 'clean' AND (flagged OR NOT tool_error)) AS false_positive,
               COUNT(*) FILTER (WHERE NOT flagged AND tool_error) AS tool_errors
        FROM flagged GROUP BY contender ORDER BY contender
        """;

    public ReportSection Report(TrialStore store, TrialSettings facts)
    {
        var rows = store.Rows<ScoreInputs>(ScoreSql);
        // No planted vulnerability audited (all tool errors): no score, not a zero.
        var scores = rows.Where(r => r.Found is not null).Select(r => new ExperimentScore(Id, Concern, S(r.Contender), 100 * D(r.Found) * (1 - D(r.FalsePositive)),
            $"found {Pct(r.Found)} of {S(r.Planted)} planted vulnerabilities; flagged {Pct(r.FalsePositive)} of {S(r.Clean)} clean artifacts")).ToList();
        var contenders = rows.Select(r => S(r.Contender)).ToList();
        var byTool = store.Rows<PerTool>("""
            SELECT a.contender, au.tool, au.status,
                   SUM(CASE WHEN au.variant = 'vuln' AND au.flagged THEN 1 ELSE 0 END) || '/' || SUM(CASE WHEN au.variant = 'vuln' THEN 1 ELSE 0 END) AS vuln_flagged,
                   SUM(CASE WHEN au.variant = 'clean' AND au.flagged THEN 1 ELSE 0 END) || '/' || SUM(CASE WHEN au.variant = 'clean' THEN 1 ELSE 0 END) AS clean_flagged
            FROM audits au JOIN artifacts a ON a.artifact_id = au.artifact_id GROUP BY ALL ORDER BY 1, 2
            """);
        var byTask = store.Rows<PerTask>("""
            SELECT a.task, a.contender, au.variant,
                   STRING_AGG(DISTINCT CASE WHEN au.flagged THEN au.tool END, ', ' ORDER BY CASE WHEN au.flagged THEN au.tool END) AS flagged_by, MIN(CASE WHEN au.flagged THEN au.findings END) AS finding
            FROM audits au JOIN artifacts a ON a.artifact_id = au.artifact_id
            WHERE a.isa = 'x86_64' GROUP BY a.task, a.contender, au.variant ORDER BY 1, 3, 4, 2
            """);
        var hardening = store.Rows<Hardening>("""
            SELECT a.contender, a.isa, COUNT(*) AS artifacts,
                   AVG(CASE WHEN h.stack_protector = 'yes' THEN 1.0 ELSE 0.0 END) AS sp,
                   AVG(CASE WHEN h.cet_endbr = 'yes' THEN 1.0 WHEN h.cet_endbr = 'no' THEN 0.0 END) AS endbr,
                   MODE(h.position_independent) AS pic
            FROM hardening h JOIN artifacts a ON a.artifact_id = h.artifact_id GROUP BY ALL ORDER BY 1, 2
            """);
        var bars = new BarSeries("Planted vulnerabilities found, and clean artifacts flagged", contenders,
            [("planted found", rows.Select(r => 100 * D(r.Found)).ToList()),
             ("clean flagged (false positive)", rows.Select(r => 100 * D(r.FalsePositive)).ToList())], "%");
        return new ReportSection(Id, Concern, "Security auditing",
            "On the tasks with a planted vulnerability, each contender built both the clean source and the vulnerable one (generation 0), and each artifact was audited with what its form allows: " +
            "with source, cppcheck, gcc -fanalyzer -Wall -Wextra -Wformat=2, clang-tidy (" + SourceAudit.TidyChecks + ") and the tests plus exploit inputs under ASan+UBSan in the sandbox; with bytes only, binary inspection (calls to unbounded copy and format functions). " +
            "The hardening table is about the contender's own bytes, not the harness around them.",
            "score = 100 x (planted vulnerabilities flagged by any tool / planted) x (1 - clean artifacts flagged / clean); an artifact no tool flagged whose audit had a tool error is left out of both (counted as tool errors)",
            ScoreSql, scores,
            [
                new ReportTable("Score inputs per contender", ["contender", "planted", "found", "clean", "false positives", "tool errors (not scored)"],
                    rows.Select(r => (IReadOnlyList<string>)[S(r.Contender), S(r.Planted), Pct(r.Found), S(r.Clean), Pct(r.FalsePositive), S(r.ToolErrors)]).ToList()),
                new ReportTable("Per tool: vulnerable and clean artifacts flagged", ["contender", "tool", "status", "vuln flagged", "clean flagged"],
                    byTool.Select(r => (IReadOnlyList<string>)[S(r.Contender), S(r.Tool), S(r.Status), S(r.VulnFlagged), S(r.CleanFlagged)]).ToList()),
                new ReportTable("Per task (x86_64 artifacts)", ["task", "contender", "variant", "flagged by", "a finding"],
                    byTask.Select(r => (IReadOnlyList<string>)[S(r.Task), S(r.Contender), S(r.Variant), S(r.FlaggedBy), S(r.Finding)]).ToList()),
                new ReportTable("Hardening of the contender's own bytes", ["contender", "ISA", "artifacts", "stack protector", "CET endbr64 at entry", "position independent"],
                    hardening.Select(r => (IReadOnlyList<string>)[S(r.Contender), S(r.Isa), S(r.Artifacts), Pct(r.Sp), r.Endbr is null ? "n/a" : Pct(r.Endbr), S(r.Pic)]).ToList()),
            ],
            [bars]);
    }

    private sealed record ScoreInputs(string Contender, long Planted, double? Found, long Clean, double? FalsePositive, long ToolErrors);
    private sealed record PerTool(string Contender, string Tool, string Status, string? VulnFlagged, string? CleanFlagged);
    private sealed record PerTask(string Task, string Contender, string Variant, string? FlaggedBy, string? Finding);
    private sealed record Hardening(string Contender, string Isa, long Artifacts, double? Sp, double? Endbr, string? Pic);
}

/// <summary>One audit tool on one clean or planted-vulnerability artifact (table audits).</summary>
[Table("audits")]
public sealed record AuditRow(string RowId, string ArtifactId, string Variant, string Tool, string Status, bool Flagged, string Findings, string CommandLine) : IRow;

/// <summary>The hardening of a contender's own bytes (table hardening).</summary>
[Table("hardening")]
public sealed record HardeningRow(string RowId, string ArtifactId, string StackProtector, string CetEndbr, string PositionIndependent, string Evidence) : IRow;

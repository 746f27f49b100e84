using Sourceless.Experiments;
using Sourceless.Store;
using Sourceless.Trials;

namespace Sourceless.Report;

public static class ReportBuilder
{
    public static ReportModel Build(TrialStore store, string folder)
    {
        var facts = TrialSettings.Load(store);
        // The settings record, flattened, then what the store knows of the run besides its settings
        // (machine, versions, schema).
        var settings = facts.Describe().Concat(store.Rows<TrialEntry>("SELECT key, value FROM trial WHERE key <> ? ORDER BY key", TrialSettings.Key)
                .Select(r => new KeyValuePair<string, string>(r.Key, r.Value ?? "")))
            .ToDictionary(StringComparer.Ordinal);
        var sections = ExperimentRegistry.All.Select(e => NotApplicable(e, e.Report(store, facts), facts.ImportedTasks.Where(t => facts.Holds(facts.Tasks.ToList().IndexOf(t))).ToList())).OrderBy(s => s.Concern.Number).ToList();
        var tools = store.Rows<ToolVersion>("SELECT tool, version FROM tools ORDER BY tool").Select(r => (r.Tool, r.Version ?? "")).ToList();
        var stages = store.Rows<StageTime>("SELECT session, stage, seconds, items FROM stages ORDER BY session, rowid")
            .Select(r => (r.Session, r.Stage, r.Seconds, r.Items)).ToList();
        var sessions = store.Rows<SessionTime>("SELECT session, started, finished, elapsed_s FROM sessions ORDER BY session")
            .Select(r => (r.Session, r.Started, r.Finished, r.ElapsedS)).ToList();
        return new ReportModel(folder, settings, facts.Contenders, sections, tools, stages, sessions) { Suites = SuiteScores.Table(store, facts) };
    }

    /// <summary>Imported tasks are counted, not scored, by an experiment that needs what they lack.</summary>
    private static ReportSection NotApplicable(IExperiment e, ReportSection section, IReadOnlyList<string> imported)
    {
        if (e.Needs is null || imported.Count == 0) return section;
        string line = $"{imported.Count} imported task(s) not applicable: they lack {e.Needs} (counted here, not scored, never a zero)";
        return section with
        {
            NotApplicable = line,
            Tables = [.. section.Tables, new ReportTable("Not applicable", ["imported tasks", "why"], [[imported.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), $"they lack {e.Needs}"]])],
        };
    }

    private sealed record TrialEntry(string Key, string? Value);
    private sealed record ToolVersion(string Tool, string? Version);
    private sealed record StageTime(int Session, string Stage, double Seconds, int Items);
    private sealed record SessionTime(int Session, string Started, string? Finished, double? ElapsedS);
}

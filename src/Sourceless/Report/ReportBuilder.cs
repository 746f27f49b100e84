using Sourceless.Experiments;
using Sourceless.Store;
using Sourceless.Trials;

namespace Sourceless.Report;

public static class ReportBuilder
{
    public static ReportModel Build(TrialStore store, string folder)
    {
        var facts = TrialFacts.FromStore(store);
        var settings = store.Query("SELECT key, value FROM trial ORDER BY key")
            .ToDictionary(r => (string)r["key"]!, r => (string?)r["value"] ?? "", StringComparer.Ordinal);
        var imported = settings.GetValueOrDefault(Trials.TrialRunner.ImportedTasksKey, "").Split(',', StringSplitOptions.RemoveEmptyEntries);
        var sections = ExperimentRegistry.All.Select(e => NotApplicable(e, e.Report(store, facts), imported)).OrderBy(s => s.Concern.Number).ToList();
        var tools = store.Query("SELECT tool, version FROM tools ORDER BY tool").Select(r => ((string)r["tool"]!, (string?)r["version"] ?? "")).ToList();
        var stages = store.Query("SELECT session, stage, seconds, items FROM stages ORDER BY session, rowid")
            .Select(r => (Convert.ToInt32(r["session"], System.Globalization.CultureInfo.InvariantCulture), (string)r["stage"]!,
                ExperimentRuns.D(r["seconds"]), Convert.ToInt32(r["items"], System.Globalization.CultureInfo.InvariantCulture))).ToList();
        var sessions = store.Query("SELECT session, started, finished, elapsed_s FROM sessions ORDER BY session")
            .Select(r => (Convert.ToInt32(r["session"], System.Globalization.CultureInfo.InvariantCulture), (string)r["started"]!, (string?)r["finished"],
                r["elapsed_s"] is null ? (double?)null : ExperimentRuns.D(r["elapsed_s"]))).ToList();
        return new ReportModel(folder, settings, facts.Contenders, sections, tools, stages, sessions) { Suites = SuiteScores.Table(store, settings, facts.Contenders) };
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
}

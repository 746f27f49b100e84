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
        var settings = facts.Describe().Concat(store.Query("SELECT key, value FROM trial WHERE key <> ? ORDER BY key", TrialSettings.Key)
                .Select(r => new KeyValuePair<string, string>((string)r["key"]!, (string?)r["value"] ?? "")))
            .ToDictionary(StringComparer.Ordinal);
        var sections = ExperimentRegistry.All.Select(e => e.Report(store, facts)).OrderBy(s => s.Concern.Number).ToList();
        var tools = store.Query("SELECT tool, version FROM tools ORDER BY tool").Select(r => ((string)r["tool"]!, (string?)r["version"] ?? "")).ToList();
        var stages = store.Query("SELECT session, stage, seconds, items FROM stages ORDER BY session, rowid")
            .Select(r => (Convert.ToInt32(r["session"], System.Globalization.CultureInfo.InvariantCulture), (string)r["stage"]!,
                ExperimentRuns.D(r["seconds"]), Convert.ToInt32(r["items"], System.Globalization.CultureInfo.InvariantCulture))).ToList();
        var sessions = store.Query("SELECT session, started, finished, elapsed_s FROM sessions ORDER BY session")
            .Select(r => (Convert.ToInt32(r["session"], System.Globalization.CultureInfo.InvariantCulture), (string)r["started"]!, (string?)r["finished"],
                r["elapsed_s"] is null ? (double?)null : ExperimentRuns.D(r["elapsed_s"]))).ToList();
        return new ReportModel(folder, settings, facts.Contenders, sections, tools, stages, sessions);
    }
}

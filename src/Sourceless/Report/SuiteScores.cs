using System.Globalization;
using Sourceless.Experiments;
using Sourceless.Store;

namespace Sourceless.Report;

/// <summary>
/// Per-suite scores side by side for a trial that named several suites (or an imported one):
/// the reliability score (hidden-test pass rate x determinism, the same SQL as the reliability
/// experiment) and the pass rate, per contender, over each suite's tasks. Read from the stored
/// rows and the stored suite -> tasks setting only.
/// </summary>
public static class SuiteScores
{
    private sealed record ScoreInputs(string Contender, long Generations, long Passed, double? PassRate, double? Determinism, long Inputs);

    public static ReportTable? Table(TrialStore store, Trials.TrialSettings settings)
    {
        var suites = settings.SuiteTasks;
        var contenders = settings.Contenders;
        if (suites.Count == 0) return null;
        var labels = suites.Keys.Order(StringComparer.Ordinal).ToList();
        var cells = new Dictionary<(string Suite, string Contender), string>();
        foreach (var label in labels)
        {
            string inList = string.Join(", ", suites[label].Select(t => "'" + t.Replace("'", "''", StringComparison.Ordinal) + "'"));
            // The reliability experiment's score SQL, over this suite's tasks only.
            string sql = ReliabilityExperiment.ScoreSql.Replace("WHERE a.version = 'v1')", $"WHERE a.version = 'v1' AND a.task IN ({inList}))", StringComparison.Ordinal);
            // Reworded score SQL must not silently turn every suite's column into the whole trial's score.
            if (sql == ReliabilityExperiment.ScoreSql) throw new InvalidOperationException("the reliability score SQL no longer has the clause the per-suite scores restrict");
            foreach (var r in store.Rows<ScoreInputs>(sql))
            {
                double pass = r.PassRate ?? 0, det = r.Determinism ?? 0;
                cells[(label, r.Contender)] = string.Create(CultureInfo.InvariantCulture, $"{100 * pass * det:0.0} (pass {100 * pass:0.0}%, {r.Passed}/{r.Generations})");
            }
        }
        var columns = new List<string> { "contender" };
        columns.AddRange(labels.Select(l => $"{l} ({suites[l].Count} tasks)"));
        var rows = contenders.Select(c => (IReadOnlyList<string>)[c, .. labels.Select(l => cells.GetValueOrDefault((l, c), "-"))]).ToList();
        return new ReportTable("Reliability score per suite: 100 x hidden-test pass rate x determinism (the reliability experiment's SQL, restricted to each suite's tasks)", columns, rows);
    }
}

using System.Globalization;
using System.Text;
using Sourceless.Experiments;
using static System.Net.WebUtility;

namespace Sourceless.Report;

/// <summary>The HTML report: one self-contained file. Every piece of text that came from a task,
/// an artifact, a tool or a model is HTML-escaped.</summary>
public static class HtmlReport
{
    public static string Render(ReportModel model)
    {
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sourceless trial report</title>\n<style>");
        sb.Append("body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}");
        sb.Append("table{border-collapse:collapse;margin:.6em 0 1.4em;font-size:13px}th,td{border:1px solid #ccc;padding:3px 8px;text-align:left}th{background:#f0f0f0}");
        sb.Append("code,pre{background:#f6f6f6;font-size:12px}pre{padding:.6em;overflow-x:auto}.formula{background:#eef5ff;padding:.4em .7em;border-left:3px solid #1f77b4}");
        sb.Append("details{margin:.4em 0}.muted{color:#777}.cited{border:1px dashed #999;padding:.3em 1em;margin:1em 0;background:#fafafa}</style></head><body>\n");
        sb.Append("<h1>Sourceless trial report</h1>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<p class=\"muted\">Run folder <code>{HtmlEncode(model.Folder)}</code>; raw rows in <code>results.duckdb</code>; scores, formulas, times and counts for scripts in <code>results.json</code>. ");
        sb.Append(CultureInfo.InvariantCulture, $"Tasks: {model.Settings.GetValueOrDefault("tasks", "").Split(',').Length}; contenders: {HtmlEncode(string.Join(", ", model.Contenders))}; targets: {HtmlEncode(model.Settings.GetValueOrDefault("targets", "").Replace(",", ", "))}; seed {HtmlEncode(model.Settings.GetValueOrDefault("seed", ""))}; generations per input: {HtmlEncode(model.Settings.GetValueOrDefault("generations", ""))}.</p>\n");

        sb.Append("<h2 id=\"chart\">The essay's chart, measured</h2>\n");
        sb.Append("<p>The essay draws an \"approximate\" 0-100 comparison of compiler output and AI binary generation across nine concerns. Here each bar is a measured score; each score's formula is printed in its section below. Every concern has an experiment; a hatched band or bar was not measured in this run: the run's tasks and contenders gave it nothing to measure (for example no task with a planted vulnerability in the task sample, or no row for that contender), so it has no score and is not drawn as zero.</p>\n");
        sb.Append(ChartSvg.ConcernChart(model)).Append('\n');
        sb.Append("<table id=\"score-table\"><tr><th>concern</th>");
        foreach (var c in model.Contenders) sb.Append(CultureInfo.InvariantCulture, $"<th>{HtmlEncode(c)}</th>");
        sb.Append("</tr>\n");
        foreach (var concern in Concern.All)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<tr><td>{concern.Number}. {HtmlEncode(concern.Title)}</td>");
            foreach (var c in model.Contenders)
            {
                var s = model.Score(concern, c);
                sb.Append(s is null ? "<td class=\"muted\">not measured</td>" : $"<td>{s.Value.ToString("0.0", CultureInfo.InvariantCulture)}</td>");
            }
            sb.Append("</tr>\n");
        }
        sb.Append("</table>\n");
        // Cited figures stand apart from every measured one: a box of their own, after the scores.
        sb.Append(CultureInfo.InvariantCulture, $"<aside id=\"cited\" class=\"cited\"><h3>{HtmlEncode(CitedFigures.Title)}</h3><table><tr><th>figure</th><th>what</th><th>source</th></tr>\n");
        foreach (var f in CitedFigures.All)
            sb.Append(CultureInfo.InvariantCulture, $"<tr><td>{HtmlEncode(f.Value)}</td><td>{HtmlEncode(f.What)}</td><td>{HtmlEncode(f.Source)}</td></tr>\n");
        sb.Append(CultureInfo.InvariantCulture, $"</table><p class=\"muted\">{HtmlEncode(CitedFigures.Note)}</p></aside>\n");

        foreach (var section in model.Sections)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<h2 id=\"{HtmlEncode(section.ExperimentId)}\">{section.Concern.Number}. {HtmlEncode(section.Title)}</h2>\n");
            sb.Append(CultureInfo.InvariantCulture, $"<p><em>The essay: \"{HtmlEncode(section.Concern.Claim)}.\"</em></p>\n<p>{HtmlEncode(section.Explanation)}</p>\n");
            sb.Append(CultureInfo.InvariantCulture, $"<p class=\"formula\">{HtmlEncode(section.Formula)}</p>\n");
            if (section.Scores.Count > 0)
            {
                sb.Append("<table class=\"scores\"><tr><th>contender</th><th>score</th><th>from</th></tr>\n");
                foreach (var s in section.Scores)
                    sb.Append(CultureInfo.InvariantCulture, $"<tr><td>{HtmlEncode(s.Contender)}</td><td>{s.Score.ToString("0.0", CultureInfo.InvariantCulture)}</td><td>{HtmlEncode(s.Breakdown)}</td></tr>\n");
                sb.Append("</table>\n");
            }
            else sb.Append("<p class=\"muted\">No score in this trial: nothing of this concern to measure in the selected tasks and contenders, or a section without a 0-100 score.</p>\n");
            int b = 0;
            foreach (var bars in section.Bars)
            {
                sb.Append(CultureInfo.InvariantCulture, $"<h3>{HtmlEncode(bars.Caption)}</h3>\n");
                string id = $"{section.ExperimentId}-bars-{b++}";
                sb.Append(bars.Stacked ? ChartSvg.StackedBars(bars, id) : ChartSvg.Bars(bars, id)).Append('\n');
            }
            foreach (var table in section.Tables) AppendTable(sb, table);
            if (section.ScoreSql.Length > 0)
                sb.Append(CultureInfo.InvariantCulture, $"<details><summary>SQL behind the {(section.Scores.Count > 0 ? "score" : "figures")} (run it on results.duckdb)</summary><pre>{HtmlEncode(section.ScoreSql)}</pre></details>\n");
        }

        if (model.Suites is { } suites)
        {
            sb.Append("<h2 id=\"suites\">Suites side by side</h2>\n");
            AppendTable(sb, suites);
        }
        sb.Append("<h2 id=\"machine\">Machine, tools and time</h2>\n");
        AppendTable(sb, new ReportTable("Machine and settings", ["key", "value"],
            model.Settings.Where(kv => kv.Key != "tasks").Select(kv => (IReadOnlyList<string>)[kv.Key, kv.Value]).ToList()));
        AppendTable(sb, new ReportTable("Tool versions", ["tool", "version"], model.Tools.Select(t => (IReadOnlyList<string>)[t.Tool, t.Version]).ToList()));
        AppendTable(sb, new ReportTable("Time per stage (seconds; a resumed trial has several sessions)", ["session", "stage", "seconds", "items"],
            model.Stages.Select(s => (IReadOnlyList<string>)[s.Session.ToString(CultureInfo.InvariantCulture), s.Stage, s.Seconds.ToString("0.0", CultureInfo.InvariantCulture), s.Items.ToString(CultureInfo.InvariantCulture)]).ToList()));
        AppendTable(sb, new ReportTable("Tasks", ["tasks"], [[model.Settings.GetValueOrDefault("tasks", "").Replace(",", ", ")]]));
        sb.Append("</body></html>\n");
        return sb.ToString();
    }

    private static void AppendTable(StringBuilder sb, ReportTable table)
    {
        sb.Append(CultureInfo.InvariantCulture, $"<table><caption>{HtmlEncode(table.Caption)}</caption><tr>");
        foreach (var c in table.Columns) sb.Append(CultureInfo.InvariantCulture, $"<th>{HtmlEncode(c)}</th>");
        sb.Append("</tr>\n");
        foreach (var row in table.Rows)
        {
            sb.Append("<tr>");
            foreach (var cell in row) sb.Append(CultureInfo.InvariantCulture, $"<td>{HtmlEncode(cell)}</td>");
            sb.Append("</tr>\n");
        }
        sb.Append("</table>\n");
    }
}

using System.Globalization;
using System.Text;
using Sourceless.Experiments;

namespace Sourceless.Report;

/// <summary>The Markdown summary printed at the end of a run and written as report.md.</summary>
public static class MarkdownReport
{
    public static string Render(ReportModel model, IReadOnlyList<(string Stage, double Seconds, int Items)>? thisSession = null, double? elapsed = null)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# Sourceless trial");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Run folder: `{model.Folder}`");
        sb.AppendLine();
        sb.Append("| concern |");
        foreach (var c in model.Contenders) sb.Append(CultureInfo.InvariantCulture, $" {Cell(c)} |");
        sb.AppendLine();
        sb.Append("|---|");
        foreach (var _ in model.Contenders) sb.Append("---:|");
        sb.AppendLine();
        foreach (var concern in Concern.All)
        {
            sb.Append(CultureInfo.InvariantCulture, $"| {concern.Number}. {Cell(concern.Title)} |");
            foreach (var c in model.Contenders)
            {
                var s = model.Score(concern, c);
                sb.Append(s is null ? " not measured |" : $" {s.Value.ToString("0.0", CultureInfo.InvariantCulture)} |");
            }
            sb.AppendLine();
        }
        if (Concern.All.Any(concern => model.Contenders.Any(c => model.Score(concern, c) is null)))
        {
            sb.AppendLine();
            sb.AppendLine("_not measured_: " + ReportModel.NotMeasured);
        }
        sb.AppendLine();
        sb.AppendLine("> **" + CitedFigures.Title + "**");
        sb.AppendLine(">");
        sb.AppendLine("> | figure | what | source |");
        sb.AppendLine("> |---|---|---|");
        foreach (var f in CitedFigures.All) sb.AppendLine($"> | {Cell(f.Value)} | {Cell(f.What)} | {Cell(f.Source)} |");
        sb.AppendLine(">");
        sb.AppendLine("> " + CitedFigures.Note);
        if (model.Suites is { } suites)
        {
            sb.AppendLine();
            sb.AppendLine("## Suites side by side");
            sb.AppendLine();
            sb.AppendLine(Cell(suites.Caption));
            sb.AppendLine();
            sb.AppendLine("| " + string.Join(" | ", suites.Columns.Select(Cell)) + " |");
            sb.AppendLine("|" + string.Concat(suites.Columns.Select((_, i) => i == 0 ? "---|" : "---:|")));
            foreach (var row in suites.Rows) sb.AppendLine("| " + string.Join(" | ", row.Select(Cell)) + " |");
        }
        foreach (var section in model.Sections)
        {
            sb.AppendLine();
            sb.AppendLine(CultureInfo.InvariantCulture, $"## {section.Concern.Number}. {section.Title}");
            sb.AppendLine();
            sb.AppendLine(CultureInfo.InvariantCulture, $"`{section.Formula}`");
            sb.AppendLine();
            foreach (var s in section.Scores)
                sb.AppendLine(CultureInfo.InvariantCulture, $"- **{Cell(s.Contender)}**: {s.Score.ToString("0.0", CultureInfo.InvariantCulture)} ({Cell(s.Breakdown)})");
            if (section.Scores.Count == 0) sb.AppendLine(Cell(section.Explanation));
            if (section.NotApplicable is { } na) sb.AppendLine(CultureInfo.InvariantCulture, $"- _not applicable_: {Cell(na)}");
        }
        if (thisSession is not null)
        {
            sb.AppendLine();
            sb.AppendLine(CultureInfo.InvariantCulture, $"## Time: {elapsed ?? thisSession.Sum(s => s.Seconds):0.0} s");
            sb.AppendLine();
            sb.AppendLine("| stage | seconds | items |");
            sb.AppendLine("|---|---:|---:|");
            foreach (var (stage, seconds, items) in thisSession)
                sb.AppendLine(CultureInfo.InvariantCulture, $"| {stage} | {seconds:0.0} | {items} |");
        }
        return sb.ToString();
    }

    private static string Cell(string s) => s.Replace("|", "\\|").Replace("\n", " ");
}

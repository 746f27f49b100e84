using Sourceless.Experiments;
using Sourceless.Report;

namespace Sourceless.Tests.Report;

/// <summary>What the report says about a concern it has no score for: every concern has an
/// experiment now, so hatching means "not measured in this run", never "no experiment yet".</summary>
public sealed class NotMeasuredSpecs
{
    // Reliability measured for gcc only; security (no vulnerable task sampled) for nobody.
    private static readonly ReportModel Model = new("/runs/x", new Dictionary<string, string> { ["tasks"] = "add_sat" }, ["gcc", "noisy:0.01"],
        [
            new ReportSection("reliability", Concern.Reliability, "Reliability", "why", "score = pass rate", "SELECT 1",
                [new ExperimentScore("reliability", Concern.Reliability, "gcc", 100, "4/4")], [], []),
            new ReportSection("security", Concern.Security, "Security", "why", "score = audits", "SELECT 1", [], [], []),
        ], [], [], []);

    [Fact]
    public void The_html_report_says_hatching_is_not_measured_in_this_run_in_its_text_and_chart_legend()
    {
        string html = HtmlReport.Render(Model);
        Assert.DoesNotContain("no experiment yet", html);
        Assert.DoesNotContain("not measured yet", html);
        Assert.Contains("Every concern has an experiment; a hatched band or bar was not measured in this run", html);
        Assert.Contains($"<g class=\"legend-hatch\">", html);
        Assert.Contains($"hatched: {System.Net.WebUtility.HtmlEncode(ReportModel.NotMeasured)}</text>", html);
        // Security: a hatched band; reliability for the contender without rows: a hatched bar, not a zero bar.
        Assert.Contains("Security auditing: not measured in this run</title>", html);
        Assert.Contains("class=\"not-measured-bar\" data-concern=\"reliability\" data-contender=\"noisy:0.01\"", html);
        Assert.DoesNotContain("class=\"bar\" data-concern=\"reliability\" data-contender=\"noisy:0.01\"", html);
    }

    [Fact]
    public void The_markdown_summary_says_what_not_measured_means()
    {
        string md = MarkdownReport.Render(Model);
        Assert.Contains("| 3. Reliability vs the compiler | 100.0 | not measured |", md);
        Assert.Contains("_not measured_: " + ReportModel.NotMeasured, md);
        Assert.DoesNotContain("no experiment yet", md);
    }
}

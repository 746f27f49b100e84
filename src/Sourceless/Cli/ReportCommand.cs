using System.CommandLine;
using Sourceless.Report;
using Sourceless.Store;
using Sourceless.Trials;

namespace Sourceless.Cli;

/// <summary><c>sourceless report RUN</c>: rebuilds report.html, report.md and results.json from a
/// run folder's store alone (the report holds nothing the raw rows do not).</summary>
public static class ReportCommand
{
    public static Command Create()
    {
        var run = new Argument<string>("run") { Description = "A run folder (holding results.duckdb)." };
        var cmd = new Command("report", "Rebuild the HTML, Markdown and JSON report of a run folder from its stored raw rows, and print the Markdown summary.");
        cmd.Arguments.Add(run);
        cmd.SetAction(pr => CliAction.RunAsync(() =>
        {
            string folder = RunFolder.ForResume(pr.GetValue(run)!);
            using var store = TrialStore.Open(Path.Combine(folder, TrialStore.FileName));
            var model = ReportBuilder.Build(store, folder);
            ReportWriter.WriteAll(model, store, folder);
            Console.WriteLine(MarkdownReport.Render(model));
            Console.WriteLine($"Report: {Path.Combine(folder, "report.html")}");
            return Task.FromResult(0);
        }));
        return cmd;
    }
}

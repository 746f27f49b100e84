using Sourceless.Harness;
using Sourceless.Store;

namespace Sourceless.Report;

/// <summary>Writes report.html, report.md and results.json into the run folder, each atomically.</summary>
public static class ReportWriter
{
    public const string ResultsJson = "results.json";

    public static void WriteAll(ReportModel model, TrialStore store, string folder)
    {
        AtomicFile.WriteText(Path.Combine(folder, "report.html"), HtmlReport.Render(model));
        AtomicFile.WriteText(Path.Combine(folder, "report.md"), MarkdownReport.Render(model));
        AtomicFile.Write(Path.Combine(folder, ResultsJson), s => JsonExport.Write(model, store, s));
    }
}

using Sourceless.Store;

namespace Sourceless.Report;

/// <summary>Writes report.html, report.md and results.json into the run folder, each atomically.</summary>
public static class ReportWriter
{
    public static void WriteAll(ReportModel model, TrialStore store, string folder)
    {
        Atomic(Path.Combine(folder, "report.html"), s => { using var w = new StreamWriter(s); w.Write(HtmlReport.Render(model)); });
        Atomic(Path.Combine(folder, "report.md"), s => { using var w = new StreamWriter(s); w.Write(MarkdownReport.Render(model)); });
        Atomic(Path.Combine(folder, "results.json"), s => JsonExport.Write(model, store, s));
    }

    private static void Atomic(string path, Action<Stream> write)
    {
        string tmp = path + ".tmp";
        using (var f = File.Create(tmp)) write(f);
        File.Move(tmp, path, overwrite: true);
    }
}

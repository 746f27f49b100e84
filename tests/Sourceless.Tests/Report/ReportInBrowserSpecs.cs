using System.Text.Json;
using Sourceless.Experiments;
using Sourceless.Report;
using Sourceless.Tests.Support;

namespace Sourceless.Tests.Report;

public sealed class ReportInBrowserSpecs : IDisposable
{
    private readonly TempFolder _tmp = new("sl-browser");

    public void Dispose() => _tmp.Dispose();

    private static async Task<(Chromium Browser, Dictionary<string, JsonElement> Facts)> OpenAsync(string html, CancellationToken ct)
    {
        var browser = await Chromium.StartAsync(ct);
        await browser.SendAsync("Runtime.enable", null, ct);
        await browser.SendAsync("Log.enable", null, ct);
        await browser.SendAsync("Page.enable", null, ct);
        await browser.SendAsync("Page.navigate", new { url = Chromium.Url(html) }, ct);
        await browser.WaitForEventAsync("Page.loadEventFired", ct);
        string json = await browser.EvaluateAsync("""
            JSON.stringify({
              bars: document.querySelectorAll('#concern-chart rect.bar').length,
              notMeasured: document.querySelectorAll('#concern-chart g.not-measured').length,
              chartWidth: document.querySelector('#concern-chart').getBoundingClientRect().width,
              tables: document.querySelectorAll('table').length,
              rows: document.querySelectorAll('table tr').length,
              scoreCells: document.querySelectorAll('#score-table td').length,
              stackedRows: new Set(Array.from(document.querySelectorAll('svg.stacked rect.segment')).map(r => r.getAttribute('y'))).size,
              segments: document.querySelectorAll('svg.stacked rect.segment').length,
              images: document.querySelectorAll('img').length,
              scripts: document.querySelectorAll('script').length,
              h2: Array.from(document.querySelectorAll('h2')).map(h => h.textContent)
            })
            """, ct);
        var facts = JsonDocument.Parse(json).RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
        return (browser, facts);
    }

    [Fact(Timeout = 300_000)]
    public async Task The_report_renders_the_chart_first_and_every_table_without_console_errors()
    {
        var ct = TestContext.Current.CancellationToken;
        string run = _tmp.Sub("run");
        var trial = await Support.Cli.RunAsync(["trial", "--tasks", "add_sat,is_square,greet", "--contenders", "gcc,clang,noisy:0.001",
            "--targets", "x86_64/*/-O2", "--generations", "1", "--out", run], ct);
        Assert.True(trial.ExitCode == 0, trial.Stderr);

        var (browser, facts) = await OpenAsync(Path.Combine(run, "report.html"), ct);
        await using (browser)
        {
            // 9 measured concerns x 3 contenders (is_square calls libdep, greet has a planted bug).
            Assert.Equal(27, facts["bars"].GetInt32());
            Assert.Equal(0, facts["notMeasured"].GetInt32());
            // Interpretability: one stacked bar per contender and fault kind (gcc, clang: flips and typos; noisy: flips).
            Assert.Equal(5, facts["stackedRows"].GetInt32());
            Assert.True(facts["segments"].GetInt32() >= 5);
            Assert.True(facts["chartWidth"].GetDouble() > 500);
            Assert.True(facts["tables"].GetInt32() >= 20);
            Assert.Equal(9 * 4, facts["scoreCells"].GetInt32());
            Assert.StartsWith("The essay's chart", facts["h2"][0].GetString());
            Assert.Empty(browser.Errors());
            var shot = await browser.SendAsync("Page.captureScreenshot", new { format = "png" }, ct);
            await File.WriteAllBytesAsync(Path.Combine(run, "report.png"), Chromium.Png(shot), ct);
            Assert.True(new FileInfo(Path.Combine(run, "report.png")).Length > 10_000);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Text_from_artifacts_and_models_is_escaped_not_executed()
    {
        var ct = TestContext.Current.CancellationToken;
        const string hostile = "<img src=x onerror=\"console.error('xss')\"><script>console.error('xss')</script>";
        var section = new ReportSection("reliability", Concern.Reliability, "Reliability " + hostile, hostile, "score = " + hostile, "SELECT 1",
            [new ExperimentScore("reliability", Concern.Reliability, hostile, 50, hostile)],
            [new ReportTable(hostile, [hostile], [[hostile]])],
            [new BarSeries(hostile, [hostile], [(hostile, [10.0])], "%")]);
        var model = new ReportModel(_tmp.Path, new Dictionary<string, string> { ["tasks"] = hostile, ["note"] = hostile }, [hostile], [section], [(hostile, hostile)], [], []);
        string html = _tmp.Sub("hostile.html");
        await File.WriteAllTextAsync(html, HtmlReport.Render(model), ct);

        var (browser, facts) = await OpenAsync(html, ct);
        await using (browser)
        {
            Assert.Equal(0, facts["images"].GetInt32());
            Assert.Equal(0, facts["scripts"].GetInt32());
            Assert.Empty(browser.Errors());
        }
        Assert.Contains("&lt;script&gt;", await File.ReadAllTextAsync(html, ct));
    }
}

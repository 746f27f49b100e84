using System.Text.Json;
using Sourceless.Tests.Support;

namespace Sourceless.Tests.Make;

/// <summary>
/// `sourceless make` end to end through the real CLI. A model that writes a working program is a
/// <see cref="ScriptedEndpoint"/> here (the built-in model translates C and cannot write a program
/// from words); the built-in model behind `sourceless serve` is asked too, and its honest failure
/// must be a report card without a binary.
/// </summary>
public sealed class MakeSpecs : IDisposable
{
    private readonly TempFolder _tmp = new("sl-make");

    public void Dispose() => _tmp.Dispose();

    private const string Program = """
        ```c
        #include <stdio.h>
        #include "task.h"
        /* the first five squares, one line */
        int squares(void)
        {
            for (int i = 1; i <= 5; i++) printf("%d%s", i * i, i < 5 ? " " : "\n");
            return 0;
        }
        ```
        """;

    [Fact]
    public async Task A_spec_becomes_a_binary_with_a_report_card_beside_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = new ScriptedEndpoint([], () => ScriptedEndpoint.Chat(Program));
        string outDir = _tmp.Sub("made");
        var r = await Support.Cli.RunAsync(["make", "print the first five squares on one line", "--contender", $"llm:{server.BaseUrl}#c",
            "--name", "squares", "--out", outDir, "--samples", "2", "--flips", "8"], ct);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal(Path.Combine(outDir, "squares"), r.Stdout.Trim());
        Assert.True(File.Exists(Path.Combine(outDir, "squares")));
        Assert.Contains("print the first five squares", server.Requests[0].Body);
        var card = File.ReadAllText(Path.Combine(outDir, "report-card.md"));
        Assert.Contains("| Does it run? | ran, exit 0 |", card);
        Assert.Contains("1 4 9 16 25", card);
        Assert.Contains("2 built, 2 byte-identical to the first, 2 with the same output and status", card);
        Assert.Contains("yes: DWARF and symbols", card);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "report-card.json")));
        Assert.Equal(8, json.RootElement.GetProperty("flips").GetArrayLength());
        Assert.Contains("printf", json.RootElement.GetProperty("imports_called").EnumerateArray().Select(e => e.GetString()));
        Assert.True(File.Exists(Path.Combine(outDir, "squares.c")));
    }

    [Fact(Timeout = 60_000)]
    public async Task With_no_server_at_the_url_make_stops_at_once_and_says_how_to_give_an_endpoint()
    {
        var ct = TestContext.Current.CancellationToken;
        string url = $"http://127.0.0.1:{ScriptedEndpoint.FreePort()}/v1"; // nothing listens: a real refused connection
        string outDir = _tmp.Sub("made");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var r = await Support.Cli.RunAsync(["make", "print hello", "--contender", $"llm:{url}#c", "--out", outDir], ct);
        clock.Stop();
        Assert.Equal(2, r.ExitCode);
        string error = Assert.Single(r.Stderr.Split('\n'), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.StartsWith($"error: no model endpoint at {url} (connection refused): give one with --contender llm:URL#c", error);
        Assert.Contains("'sourceless serve'", error);
        Assert.Contains("Ollama", error);
        Assert.Contains("vLLM", error);
        Assert.Empty(r.Stdout);
        Assert.False(Directory.Exists(outDir));
        // The retry budget it no longer spends: 4 retries with 1+2+4+8 s of backoff, for each of 3 samples.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task The_built_in_model_asked_for_c_gives_a_report_card_and_no_binary()
    {
        var ct = TestContext.Current.CancellationToken;
        var psi = Support.Cli.StartInfo(["serve", "--port", "0"]);
        using var server = System.Diagnostics.Process.Start(psi)!;
        try
        {
            string url = (await server.StandardOutput.ReadLineAsync(ct))!;
            string outDir = _tmp.Sub("none");
            var r = await Support.Cli.RunAsync(["make", "print hello", "--contender", $"llm:{url}#c", "--out", outDir, "--samples", "1"], ct);
            Assert.Equal(1, r.ExitCode);
            var card = File.ReadAllText(Path.Combine(outDir, "report-card.md"));
            Assert.Contains("No sample built", card);
            Assert.Contains("the reply holds no C function", card);
        }
        finally { server.Kill(entireProcessTree: true); await server.WaitForExitAsync(ct); }
    }
}

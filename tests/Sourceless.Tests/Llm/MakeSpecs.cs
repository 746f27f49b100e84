using System.Text.Json;
using Sourceless.Tests.Support;

namespace Sourceless.Tests.Llm;

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

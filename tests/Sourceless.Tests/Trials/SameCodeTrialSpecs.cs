using System.Text.Json;
using Sourceless.Tests.Support;

namespace Sourceless.Tests.Trials;

/// <summary>
/// One small trial whose two targets produce the same files: clang records no flags in its DWARF
/// producer, so these tasks at -O2 and -O3 link to byte-identical ELF images, and eight workers
/// store each content-addressed file at the same moment (version control, abstractions,
/// debugging). Real clang, sandbox and DuckDB, with --json.
/// </summary>
public sealed class SameCodeTrial : IAsyncLifetime
{
    public static readonly string[] Args =
    [
        "trial", "--tasks", "dot_product,caesar,bbox", "--contenders", "clang", "--targets", "x86_64/clang/-O2,x86_64/clang/-O3",
        "--generations", "1", "--jobs", "8", "--json",
    ];

    private readonly TempFolder _tmp = new("sl-same");
    public string Run => _tmp.Sub("run");
    public Support.Cli.Result Result { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Result = await Support.Cli.RunAsync([.. Args, "--out", Run], CancellationToken.None);

    public ValueTask DisposeAsync()
    {
        _tmp.Dispose();
        return ValueTask.CompletedTask;
    }
}

public sealed class SameCodeTrialSpecs(SameCodeTrial trial) : IClassFixture<SameCodeTrial>
{
    // No timeout here: the fixture does the long work (the CLI bounds every tool and sandbox run).
    [Fact]
    public void Workers_storing_the_same_content_addressed_files_at_once_finish_the_trial()
    {
        Assert.True(trial.Result.ExitCode == 0, trial.Result.Stderr);
        Assert.DoesNotContain("Exception", trial.Result.Stderr);
        // The premise: each task's -O2 and -O3 artifacts carry one and the same linked ELF.
        Assert.Equal(6, StoreReader.Count(trial.Run, "SELECT count(*) - count(DISTINCT sha256(debug_image)) FROM artifacts WHERE debug_image IS NOT NULL"));
    }

    [Fact]
    public void Results_json_holds_the_figures_not_the_raw_rows_and_is_what_json_prints()
    {
        Assert.True(trial.Result.ExitCode == 0, trial.Result.Stderr);
        string path = Path.Combine(trial.Run, "results.json");
        Assert.True(new FileInfo(path).Length < 200_000, $"results.json is {new FileInfo(path).Length} bytes");
        string text = File.ReadAllText(path);
        Assert.Equal(text.Trim(), trial.Result.Stdout.Trim());

        using var doc = JsonDocument.Parse(text);
        var root = doc.RootElement;
        Assert.False(root.TryGetProperty("tables", out _));
        Assert.Equal(["scores", "not_measured", "experiments", "sessions", "stages", "tools"],
            root.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Array).Select(p => p.Name));
        Assert.Equal("results.duckdb", root.GetProperty("raw_rows").GetString());
        Assert.Equal("x86_64/clang/-O2,x86_64/clang/-O3", root.GetProperty("settings").GetProperty("targets").GetString());

        var reliability = root.GetProperty("scores").EnumerateArray().Single(s => s.GetProperty("experiment").GetString() == "reliability");
        Assert.Equal("clang", reliability.GetProperty("contender").GetString());
        Assert.Equal(100, reliability.GetProperty("score").GetDouble());
        Assert.All(root.GetProperty("scores").EnumerateArray(), s => Assert.StartsWith("score = ", s.GetProperty("formula").GetString()));
        Assert.All(root.GetProperty("experiments").EnumerateArray().Where(e => e.GetProperty("scored").GetBoolean()),
            e => Assert.Contains("SELECT", e.GetProperty("sql").GetString()));

        Assert.Equal(StoreReader.Count(trial.Run, "SELECT count(*) FROM artifacts"), root.GetProperty("counts").GetProperty("artifacts").GetInt64());
        Assert.Equal(StoreReader.Count(trial.Run, "SELECT count(*) FROM faults"), root.GetProperty("counts").GetProperty("faults").GetInt64());
        int session = Assert.Single(root.GetProperty("sessions").EnumerateArray()).GetProperty("session").GetInt32();
        Assert.Contains(root.GetProperty("stages").EnumerateArray(), s => s.GetProperty("stage").GetString() == "generate" && s.GetProperty("session").GetInt32() == session);
        Assert.True(root.GetProperty("elapsed_s").GetDouble() > 0);
        Assert.Contains(root.GetProperty("tools").EnumerateArray(), t => t.GetProperty("tool").GetString() == "clang");
    }
}

using Sourceless.Tests.Support;

namespace Sourceless.Tests.Trials;

/// <summary>
/// One small trial whose two targets produce the same files: clang records no flags in its DWARF
/// producer, so these tasks at -O2 and -O3 link to byte-identical ELF images, and eight workers
/// store each content-addressed file at the same moment (version control, abstractions,
/// debugging). Real clang, sandbox and DuckDB.
/// </summary>
public sealed class SameCodeTrial : IAsyncLifetime
{
    public static readonly string[] Args =
    [
        "trial", "--tasks", "dot_product,caesar,bbox", "--contenders", "clang", "--targets", "x86_64/clang/-O2,x86_64/clang/-O3",
        "--generations", "1", "--jobs", "8",
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
}

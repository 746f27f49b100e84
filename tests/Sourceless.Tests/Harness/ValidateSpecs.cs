using Sourceless.Harness;
using Sourceless.Tests.Support;

namespace Sourceless.Tests.Harness;

public sealed class ValidateSpecs : IDisposable
{
    private readonly TempFolder _tmp = new("sl-validate");

    public void Dispose() => _tmp.Dispose();

    [Fact(Timeout = 1_800_000)]
    public async Task Every_built_in_task_passes_its_tests_on_all_18_targets_as_a_bare_image()
    {
        var r = await Support.Cli.RunAsync(["tasks", "validate", "--work", _tmp.Sub("work")], TestContext.Current.CancellationToken);
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.Matches(@"x 18 targets: \d+ checks passed, 0 failed", r.Stdout);
    }

    [Fact(Timeout = 300_000)]
    public async Task A_task_whose_reference_disagrees_with_its_tests_fails_loudly()
    {
        string suite = _tmp.Sub("suite");
        string task = Path.Combine(suite, "max3");
        Folders.CopyTask("max3", task);
        string txt = Path.Combine(task, "task.txt");
        File.WriteAllText(txt, File.ReadAllText(txt).Replace("1, 2, 3 => 3", "1, 2, 3 => 4"));
        var r = await Support.Cli.RunAsync(["tasks", "validate", "--suite", suite, "--targets", "x86_64/gcc/-O2", "--work", _tmp.Sub("work2")], TestContext.Current.CancellationToken);
        Assert.Equal(2, r.ExitCode); // the user's task is bad input
        Assert.Contains("BROKEN max3 [v1]", r.Stdout);
        Assert.Contains("task.txt expects 4, the reference gives 3", r.Stdout);
    }
}

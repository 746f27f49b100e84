using Sourceless.Cli;
using Sourceless.Harness;
using Sourceless.Tests.Support;

namespace Sourceless.Tests.Cli;

/// <summary>Three kinds of failure, three exit codes: the user's (2), a tool's (3), Sourceless's
/// own (1, with the stack trace).</summary>
public sealed class ErrorKindSpecs : IDisposable
{
    private readonly TempFolder _tmp = new("sl-errors");

    public void Dispose() => _tmp.Dispose();

    [Fact(Timeout = 120_000)]
    public async Task A_trusted_tool_that_fails_is_exit_3_with_its_command_line_and_output()
    {
        // A Sourceless home whose harness runtime does not compile: the real gcc fails on our own driver.
        var ct = TestContext.Current.CancellationToken;
        string home = _tmp.Sub("home");
        Folders.Copy(SourcelessHome.HarnessDir, Path.Combine(home, "harness"));
        Folders.Copy(SourcelessHome.LibDepDir, Path.Combine(home, "libdep"));
        Folders.CopyTask("add_sat", Path.Combine(home, "tasks", "add_sat"));
        await File.AppendAllTextAsync(Path.Combine(home, "harness", "sl_runtime.h"), "\n#error this runtime is broken on purpose\n", ct);
        var r = await Support.Cli.RunAsync(["tasks", "validate", "--targets", "x86_64/gcc/-O2", "--work", _tmp.Sub("work")], ct,
            environment: new Dictionary<string, string> { ["SOURCELESS_HOME"] = home });
        Assert.True(r.ExitCode == 3, $"exit {r.ExitCode}: {r.Stderr}");
        Assert.Contains("gcc failed", r.Stderr);
        Assert.Contains("command: ", r.Stderr);
        Assert.Contains("broken on purpose", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
    }

    [Fact, Trait(Quick.Trait, Quick.Value)]
    public async Task A_bug_of_sourceless_itself_is_exit_1_with_the_stack_trace_stand_in_exception()
    {
        // A bug cannot be caused for real on purpose: a thrown NullReferenceException stands in for one.
        var err = new StringWriter();
        int code = await CliAction.RunAsync(() => throw new NullReferenceException("a stand-in bug"), err);
        Assert.Equal(1, code);
        Assert.Contains("internal error", err.ToString());
        Assert.Contains("please report", err.ToString());
        Assert.Contains("   at ", err.ToString()); // the stack trace
    }

    [Fact, Trait(Quick.Trait, Quick.Value)]
    public async Task Bad_input_is_exit_2_and_one_line()
    {
        var err = new StringWriter();
        int code = await CliAction.RunAsync(() => throw new UserError("--tasks: no task 'nope'"), err);
        Assert.Equal(2, code);
        Assert.Equal("error: --tasks: no task 'nope'", err.ToString().Trim());
    }
}

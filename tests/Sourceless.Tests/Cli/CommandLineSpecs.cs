using Sourceless.Harness;
using Sourceless.Tests.Support;

namespace Sourceless.Tests.Cli;

/// <summary>The CLI as a user meets it: the real binary, as a process.</summary>
public sealed class CommandLineSpecs : IDisposable
{
    private readonly TempFolder _tmp = new("sl-cli");

    public void Dispose() => _tmp.Dispose();

    private static string OneLine(string stderr) => Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));

    [Fact(Timeout = 60_000)]
    public async Task An_unknown_contender_is_one_clear_line_and_exit_code_2()
    {
        var r = await Support.Cli.RunAsync(["trial", "--contenders", "gcc,icc", "--out", _tmp.Sub("run")], TestContext.Current.CancellationToken);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("error: unknown contender 'icc' (known: gcc, clang, noisy:P, neural, neural:T, llm:URL#hex|asm|c)", OneLine(r.Stderr));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_bad_target_is_rejected_before_any_work()
    {
        var r = await Support.Cli.RunAsync(["trial", "--targets", "sparc/gcc/-O2", "--out", _tmp.Sub("run")], TestContext.Current.CancellationToken);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("unknown ISA 'sparc'", OneLine(r.Stderr));
        Assert.False(File.Exists(Path.Combine(_tmp.Sub("run"), "results.duckdb")));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_malformed_task_file_names_the_file_and_line()
    {
        string suite = _tmp.Sub("suite");
        string task = Path.Combine(suite, "max3");
        Directory.CreateDirectory(task);
        foreach (var f in Directory.GetFiles(Path.Combine(SourcelessHome.TasksDir, "max3"))) File.Copy(f, Path.Combine(task, Path.GetFileName(f)));
        File.WriteAllText(Path.Combine(task, "task.txt"), File.ReadAllText(Path.Combine(task, "task.txt")).Replace("signature: int max3(int a, int b, int c)", "signature: int max3(int a, int b, float c)"));
        var r = await Support.Cli.RunAsync(["trial", "--suite", suite, "--out", _tmp.Sub("run")], TestContext.Current.CancellationToken);
        Assert.Equal(2, r.ExitCode);
        var line = OneLine(r.Stderr);
        Assert.Contains("max3/task.txt", line);
        Assert.Contains("unsupported type 'float'", line);
    }

    [Fact(Timeout = 60_000)]
    public async Task An_existing_run_folder_is_never_overwritten()
    {
        string run = _tmp.Sub("existing");
        Directory.CreateDirectory(run);
        File.WriteAllText(Path.Combine(run, "notes.txt"), "precious");
        var r = await Support.Cli.RunAsync(["trial", "--out", run], TestContext.Current.CancellationToken);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--resume", OneLine(r.Stderr));
        Assert.Equal("precious", File.ReadAllText(Path.Combine(run, "notes.txt")));
        Assert.Single(Directory.GetFileSystemEntries(run));
    }

    [Fact(Timeout = 60_000)]
    public async Task Resume_refuses_a_folder_that_is_not_a_run_and_refuses_new_settings()
    {
        var ct = TestContext.Current.CancellationToken;
        var r = await Support.Cli.RunAsync(["trial", "--resume", _tmp.Path], ct);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("not a Sourceless run folder", OneLine(r.Stderr));
        var r2 = await Support.Cli.RunAsync(["trial", "--resume", _tmp.Path, "--seed", "3"], ct);
        Assert.Equal(2, r2.ExitCode);
        Assert.Contains("drop --seed", OneLine(r2.Stderr));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_missing_toolchain_is_named()
    {
        // A PATH holding everything but the riscv64 cross compiler.
        string bin = _tmp.Sub("bin");
        Directory.CreateDirectory(bin);
        foreach (var tool in new[] { "gcc", "clang", "ld", "aarch64-linux-gnu-gcc", "aarch64-linux-gnu-ld", "riscv64-linux-gnu-ld", "qemu-aarch64", "qemu-riscv64", "bwrap", "setpriv", "prlimit" })
            File.CreateSymbolicLink(Path.Combine(bin, tool), Path.Combine("/usr/bin", tool));
        var psi = Support.Cli.StartInfo(["trial", "--out", _tmp.Sub("run"), "--tasks", "1"]);
        psi.Environment["PATH"] = bin;
        psi.FileName = Support.Cli.DotnetPath;
        using var p = System.Diagnostics.Process.Start(psi)!;
        string err = await p.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await p.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.Equal(2, p.ExitCode);
        Assert.Contains("missing toolchain: riscv64-linux-gnu-gcc", err);
    }

    [Theory(Timeout = 60_000)]
    [InlineData(new[] { "--help" }, "trial")]
    [InlineData(new[] { "trial", "--help" }, "--resume")]
    [InlineData(new[] { "tasks", "--help" }, "validate")]
    [InlineData(new[] { "tasks", "validate", "--help" }, "fail loudly")]
    public async Task Every_command_explains_itself(string[] args, string mentions)
    {
        var r = await Support.Cli.RunAsync(args, TestContext.Current.CancellationToken);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains(mentions, r.Stdout);
    }
}

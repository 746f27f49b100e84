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
        Assert.Equal("error: unknown contender 'icc' (known: gcc, clang, noisy:P, neural[:T], llm:URL#hex|asm|c)", OneLine(r.Stderr));
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
        Folders.CopyTask("max3", task);
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
        // Every setting, including the ones with defaults and switches, is refused the same way.
        foreach (var (flag, value) in new[] { ("--llm-model", "other"), ("--llm-retries", "1"), ("--learning-curve", null), ("--fault-tasks", "all") })
        {
            var r3 = await Support.Cli.RunAsync(value is null ? ["trial", "--resume", _tmp.Path, flag] : ["trial", "--resume", _tmp.Path, flag, value], ct);
            Assert.Equal(2, r3.ExitCode);
            Assert.Contains($"drop {flag}", OneLine(r3.Stderr));
        }
    }

    [Theory(Timeout = 60_000)]
    [InlineData("riscv64-linux-gnu-gcc")]
    [InlineData("gdb")]          // the debugging experiment's tool is checked like a compiler
    [InlineData("gdb-multiarch")]
    [InlineData("bsdiff")]
    public async Task A_missing_toolchain_is_named(string missing)
    {
        // A PATH holding everything the default trial needs but one tool.
        string bin = _tmp.Sub("bin-" + missing);
        Directory.CreateDirectory(bin);
        string[] all = ["gcc", "clang", "ld", "aarch64-linux-gnu-gcc", "aarch64-linux-gnu-ld", "riscv64-linux-gnu-gcc", "riscv64-linux-gnu-ld",
            "qemu-aarch64", "qemu-riscv64", "bwrap", "setpriv", "prlimit", "setarch", "gdb", "gdb-multiarch", "bsdiff", "cppcheck", "clang-tidy",
            "addr2line", "readelf", "diff"];
        foreach (var tool in all.Where(t => t != missing))
            File.CreateSymbolicLink(Path.Combine(bin, tool), Path.Combine("/usr/bin", tool));
        var psi = Support.Cli.StartInfo(["trial", "--out", _tmp.Sub("run-" + missing), "--tasks", "1"]);
        psi.Environment["PATH"] = bin;
        psi.FileName = Support.Cli.DotnetPath;
        using var p = System.Diagnostics.Process.Start(psi)!;
        string err = await p.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await p.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.Equal(2, p.ExitCode);
        Assert.Contains($"missing toolchain: {missing} not found", err);
    }

    [Theory(Timeout = 60_000)]
    [InlineData(new[] { "trial", "--generations", "abc" }, "error: --generations expects a whole number, got 'abc'")]
    [InlineData(new[] { "trial", "--llm-temperature", "warm" }, "error: --llm-temperature expects a number, got 'warm'")]
    [InlineData(new[] { "trial", "--seed", "-3" }, "error: --seed expects a whole number, zero or more, got '-3'")]
    [InlineData(new[] { "corpus", "--out", "unused", "-n", "1.5" }, "error: -n expects a whole number, got '1.5'")]
    [InlineData(new[] { "trial", "--jobs" }, "error: --jobs expects a whole number, got nothing")]
    [InlineData(new[] { "trial", "--bogus" }, "error: unknown option '--bogus' (see 'sourceless trial --help')")]
    [InlineData(new[] { "corpus" }, "error: 'sourceless corpus' needs --out (see 'sourceless corpus --help')")]
    [InlineData(new[] { "report" }, "error: 'sourceless report' needs RUN (see 'sourceless report --help')")]
    [InlineData(new[] { "tasks", "lsit" }, "error: unknown command 'lsit' (known: import, list, show, validate)")]
    public async Task A_command_line_that_does_not_parse_is_one_line_in_the_users_words_and_exit_code_2(string[] args, string expected)
    {
        var r = await Support.Cli.RunAsync(args, TestContext.Current.CancellationToken, workingDirectory: _tmp.Path);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal(expected, OneLine(r.Stderr));
        Assert.Empty(r.Stdout);
        Assert.Empty(Directory.GetFileSystemEntries(_tmp.Path));
    }

    [Fact]
    public void Every_number_option_of_every_command_names_itself_and_the_kind_of_value_it_expects()
    {
        var root = global::Sourceless.Program.CreateRoot();
        int seen = 0;
        foreach (var (path, command) in Commands(root, []))
            foreach (var option in command.Options)
            {
                var kind = Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType;
                if (!(kind.IsPrimitive || kind == typeof(decimal) || kind.IsEnum) || kind == typeof(bool)) continue;
                var parsed = root.Parse([.. path, option.Name, "abc"]);
                string said = global::Sourceless.Cli.ParseErrors.Describe(parsed);
                Assert.Matches($"^{System.Text.RegularExpressions.Regex.Escape(option.Name)} expects (a whole number|a whole number, zero or more|a number|one of [a-z0-9, ]+), got 'abc'$", said);
                seen++;
            }
        Assert.True(seen > 40, $"only {seen} options checked");
    }

    private static IEnumerable<(string[] Path, System.CommandLine.Command Command)> Commands(System.CommandLine.Command parent, string[] path)
    {
        foreach (var c in parent.Subcommands)
        {
            string[] here = [.. path, c.Name];
            yield return (here, c);
            foreach (var sub in Commands(c, here)) yield return sub;
        }
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

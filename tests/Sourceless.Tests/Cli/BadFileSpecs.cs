using System.Security.Cryptography;
using Sourceless.Harness;
using Sourceless.Neural;
using Sourceless.Tasks;
using Sourceless.Tests.Support;

namespace Sourceless.Tests.Cli;

/// <summary>
/// Bad files are bad input: a corrupt store, a torn corpus file, a torn training log, an absurd
/// task field, a suite edited under a resumed run. Each ends as one line and exit code 2, names
/// the file, and changes nothing on disk.
/// </summary>
public sealed class BadFileSpecs : IDisposable
{
    private readonly TempFolder _tmp = new("sl-badfile");

    public void Dispose() => _tmp.Dispose();

    private static void AssertOneLineError(Support.Cli.Result r, string mustContain)
    {
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.Stderr}");
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("error:", StringComparison.Ordinal)).ToList();
        Assert.Single(lines);
        Assert.Contains(mustContain, lines[0]);
        Assert.DoesNotContain("   at ", r.Stderr); // no stack trace
    }

    [Fact(Timeout = 120_000)]
    public async Task A_corrupt_store_is_refused_by_every_command_that_reads_it_and_left_as_it_is()
    {
        var ct = TestContext.Current.CancellationToken;
        string run = _tmp.Sub("run");
        Directory.CreateDirectory(run);
        string store = Path.Combine(run, "results.duckdb");
        await File.WriteAllBytesAsync(store, RandomNumberGenerator.GetBytes(64 << 10), ct);
        byte[] before = SHA256.HashData(await File.ReadAllBytesAsync(store, ct));
        foreach (var args in new[]
        {
            new[] { "report", run },
            ["query", run, "SELECT 1"],
            ["trial", "--resume", run],
            ["rerun", run, "add_sat/v1/gcc/x86_64/gcc/-O2/g0|flip|12.3"],
        })
        {
            var r = await Support.Cli.RunAsync(args, ct);
            AssertOneLineError(r, "not a readable Sourceless store");
        }
        Assert.Equal(before, SHA256.HashData(await File.ReadAllBytesAsync(store, ct)));
    }

    [Fact(Timeout = 300_000)]
    public async Task A_torn_parquet_file_is_named_by_merge_train_and_a_corpus_rerun()
    {
        var ct = TestContext.Current.CancellationToken;
        string corpus = _tmp.Sub("corpus");
        var made = await Support.Cli.RunAsync(["corpus", "--count", "30", "--out", corpus], ct);
        Assert.True(made.ExitCode == 0, made.Stderr);
        string file = Directory.GetFiles(corpus, "*.parquet").Order(StringComparer.Ordinal).First();
        var bytes = await File.ReadAllBytesAsync(file, ct);
        await File.WriteAllBytesAsync(file, bytes[..(bytes.Length / 2)], ct); // a torn write
        AssertOneLineError(await Support.Cli.RunAsync(["corpus", "merge", corpus, "--out", _tmp.Sub("merged")], ct), Path.GetFileName(file));
        AssertOneLineError(await Support.Cli.RunAsync(["corpus", "--count", "30", "--out", corpus], ct), Path.GetFileName(file));
        AssertOneLineError(await Support.Cli.RunAsync(["train", "--corpus", corpus, "--out", _tmp.Sub("model"), "--steps", "2"], ct), Path.GetFileName(file));
        Assert.Equal(bytes.Length / 2, new FileInfo(file).Length);
    }

    [Fact, Trait(Quick.Trait, Quick.Value)]
    public void A_torn_last_line_of_the_training_log_is_dropped_and_a_bad_middle_line_is_an_error()
    {
        string log = _tmp.Sub("train-log.jsonl");
        const string good = """{"step":100,"pairs_seen":3200,"tokens_seen":9000,"train_loss":1.5,"heldout":10,"exact":0.1,"pass":0.2,"unseen_pass":0.05,"seconds":3}""";
        File.WriteAllText(log, good + "\n" + good.Replace("100", "200") + "\n" + good[..40]);
        var warnings = new StringWriter();
        Assert.Equal([100L, 200L], TrainingLog.Read(log, warnings).Select(p => p.Step));
        Assert.Contains("torn last line", warnings.ToString());
        File.WriteAllText(log, good + "\n" + good[..40] + "\n" + good + "\n");
        Assert.Contains("train-log.jsonl:2", Assert.Throws<UserError>(() => TrainingLog.Read(log)).Message);
    }

    [Fact, Trait(Quick.Trait, Quick.Value)]
    public void A_huge_buffer_size_in_a_task_file_is_a_task_format_error()
    {
        string dir = Folders.CopyTask("caesar", _tmp.Sub("caesar"));
        var lines = File.ReadAllLines(Path.Combine(dir, "task.txt")).ToList();
        lines.Insert(4, "buffer: 99999999999999");
        File.WriteAllLines(Path.Combine(dir, "task.txt"), lines);
        var e = Assert.Throws<TaskFormatException>(() => TaskFile.Load(dir));
        Assert.Contains("task.txt:5: buffer:", e.Message);
    }

    [Fact(Timeout = 300_000)]
    public async Task Resume_refuses_a_suite_whose_tasks_changed_since_the_run_began()
    {
        var ct = TestContext.Current.CancellationToken;
        string suite = _tmp.Sub("suite");
        foreach (var name in new[] { "add_sat", "max3" }) Folders.CopyTask(name, Path.Combine(suite, name));
        string run = _tmp.Sub("run");
        var first = await Support.Cli.RunAsync(["trial", "--suite", suite, "--contenders", "gcc", "--targets", "x86_64/gcc/-O2", "--generations", "1", "--out", run], ct);
        Assert.True(first.ExitCode == 0, first.Stderr);
        string store = Path.Combine(run, "results.duckdb");
        byte[] before = SHA256.HashData(await File.ReadAllBytesAsync(store, ct));
        await File.AppendAllTextAsync(Path.Combine(suite, "max3", "ref.c"), "\n/* edited */\n", ct);
        AssertOneLineError(await Support.Cli.RunAsync(["trial", "--resume", run], ct), "max3");
        Assert.Equal(before, SHA256.HashData(await File.ReadAllBytesAsync(store, ct)));
    }
}

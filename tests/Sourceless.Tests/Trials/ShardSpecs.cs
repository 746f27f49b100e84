using System.Globalization;
using System.Text.Json;
using Sourceless.Store;
using Sourceless.Tests.Support;

namespace Sourceless.Tests.Trials;

/// <summary>One small trial run whole, and the same trial as three shards (real compilers,
/// sandbox, DuckDB) merged into one store with 'trial merge'.</summary>
public sealed class ShardedTrial : IAsyncLifetime
{
    public static readonly string[] Args =
    [
        "trial", "--tasks", "add_sat,dot_product,hypot_floor,greet,popcount32", "--contenders", "gcc,noisy:0.01",
        "--targets", "x86_64/gcc/-O2", "--generations", "2", "--seed", "11",
    ];

    private readonly TempFolder _tmp = new("sl-shard");
    public string Whole => _tmp.Sub("whole");
    public string Shard(int k) => _tmp.Sub($"shard-{k}");
    public string Merged => _tmp.Sub("merged");
    public Support.Cli.Result Merge { get; private set; } = null!;
    public string Sub(string name) => _tmp.Sub(name);

    public async ValueTask InitializeAsync()
    {
        var whole = await Support.Cli.RunAsync([.. Args, "--out", Whole], CancellationToken.None);
        if (whole.ExitCode != 0) throw new InvalidOperationException(whole.Stderr);
        for (int k = 0; k < 3; k++)
        {
            var shard = await Support.Cli.RunAsync([.. Args, "--shard", $"{k}/3", "--out", Shard(k)], CancellationToken.None);
            if (shard.ExitCode != 0) throw new InvalidOperationException(shard.Stderr);
        }
        // Out of order on purpose: the merge orders shards itself.
        Merge = await Support.Cli.RunAsync(["trial", "merge", Shard(2), Shard(0), Shard(1), "--out", Merged, "--json"], CancellationToken.None);
    }

    public ValueTask DisposeAsync()
    {
        _tmp.Dispose();
        return ValueTask.CompletedTask;
    }
}

public sealed class ShardSpecs(ShardedTrial trial) : IClassFixture<ShardedTrial>
{
    /// <summary>Columns that measure time or name the run's own folder: they differ between any two
    /// runs of one trial, sharded or not.</summary>
    private static readonly HashSet<string> Varying = ["latency_ms", "wall_ms", "runtime_ns", "seconds", "duration_ms", "command_line", "folder", "session"];

    private static readonly HashSet<string> Bookkeeping = ["trial", "sessions", "stages", "tools", "done"];

    /// <summary>Every raw row of every table, as sorted text lines, with the run folder's path
    /// replaced by RUN (it appears in details and evidence).</summary>
    private static Dictionary<string, List<string>> Rows(string run)
    {
        using var store = TrialStore.Open(Path.Combine(run, TrialStore.FileName), readOnly: true);
        var result = new Dictionary<string, List<string>>();
        foreach (var table in store.Tables().Where(t => !Bookkeeping.Contains(t)))
        {
            var columns = store.Query("SELECT column_name FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position", table)
                .Select(r => (string)r["column_name"]!).Where(c => !Varying.Contains(c)).ToList();
            result[table] = store.Query($"SELECT {string.Join(", ", columns)} FROM {table}")
                .Select(r => string.Join('|', r.Values.Select(v => v is byte[] b ? Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(b))
                    : Convert.ToString(v, CultureInfo.InvariantCulture)?.Replace(run, "RUN", StringComparison.Ordinal))))
                .Order(StringComparer.Ordinal).ToList();
        }
        return result;
    }

    [Fact]
    public void Three_shards_merged_equal_the_unsharded_trial_row_for_row()
    {
        Assert.True(trial.Merge.ExitCode == 0, trial.Merge.Stderr);
        var whole = Rows(trial.Whole);
        var merged = Rows(trial.Merged);
        Assert.Equal(whole.Keys.Order(), merged.Keys.Order());
        foreach (var table in whole.Keys)
            Assert.True(whole[table].SequenceEqual(merged[table]),
                $"{table}: {whole[table].Count} rows whole, {merged[table].Count} merged; first difference: " +
                $"{whole[table].Except(merged[table]).FirstOrDefault() ?? merged[table].Except(whole[table]).FirstOrDefault()}");
        // The test is not empty: every table an experiment writes has rows here.
        foreach (var table in new[] { "artifacts", "executions", "faults", "iterations", "diffs", "debug_checks", "audits", "test_cases" })
            Assert.NotEmpty(whole[table]);
        // Each shard holds only its tasks: the partition is real.
        var perShard = Enumerable.Range(0, 3).Select(k => StoreReader.Lines(trial.Shard(k), "SELECT DISTINCT task FROM artifacts")).ToList();
        Assert.All(perShard, tasks => Assert.InRange(tasks.Count, 1, 2));
        Assert.Equal(5, perShard.SelectMany(t => t).Distinct().Count());
    }

    [Fact]
    public void The_merged_scores_equal_the_unsharded_scores()
    {
        using var whole = JsonDocument.Parse(File.ReadAllText(Path.Combine(trial.Whole, "results.json")));
        using var merged = JsonDocument.Parse(trial.Merge.Stdout);
        Assert.Equal(whole.RootElement.GetProperty("scores").GetRawText(), merged.RootElement.GetProperty("scores").GetRawText());
        Assert.NotEqual("[]", whole.RootElement.GetProperty("scores").GetRawText());
        Assert.Equal("0/1", merged.RootElement.GetProperty("settings").GetProperty("shard").GetString());
        Assert.True(File.Exists(Path.Combine(trial.Merged, "report.html")));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_merge_with_a_shard_missing_or_given_twice_is_refused_naming_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var missing = await Support.Cli.RunAsync(["trial", "merge", trial.Shard(0), trial.Shard(2), "--out", trial.Sub("m1")], ct);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("1/3 missing", missing.Stderr);
        var twice = await Support.Cli.RunAsync(["trial", "merge", trial.Shard(0), trial.Shard(1), trial.Shard(1), "--out", trial.Sub("m2")], ct);
        Assert.Equal(2, twice.ExitCode);
        Assert.Contains("given twice", twice.Stderr);
        Assert.False(Directory.Exists(trial.Sub("m1")) || Directory.Exists(trial.Sub("m2")), "a refused merge leaves no folder");
    }

    [Fact(Timeout = 120_000)]
    public async Task Shards_of_different_settings_or_an_unfinished_shard_are_refused_naming_the_reason()
    {
        var ct = TestContext.Current.CancellationToken;
        // A copy of shard 1 whose stored seed differs: the store file edited for real.
        string other = trial.Sub("other-seed");
        Folders.Copy(trial.Shard(1), other);
        using (var store = TrialStore.Open(Path.Combine(other, TrialStore.FileName)))
        {
            string json = store.GetTrial("settings")!;
            store.SetTrial("settings", json.Replace("\"seed\":11", "\"seed\":12", StringComparison.Ordinal));
        }
        var seed = await Support.Cli.RunAsync(["trial", "merge", trial.Shard(0), other, trial.Shard(2), "--out", trial.Sub("m3")], ct);
        Assert.Equal(2, seed.ExitCode);
        Assert.Contains("seed differ", seed.Stderr);

        // A copy of shard 2 whose last session never ended (as after a kill).
        string killed = trial.Sub("killed");
        Folders.Copy(trial.Shard(2), killed);
        using (var store = TrialStore.Open(Path.Combine(killed, TrialStore.FileName)))
            store.Update("UPDATE sessions SET finished = NULL");
        var unfinished = await Support.Cli.RunAsync(["trial", "merge", trial.Shard(0), trial.Shard(1), killed, "--out", trial.Sub("m4")], ct);
        Assert.Equal(2, unfinished.ExitCode);
        Assert.Contains("did not finish", unfinished.Stderr);
        Assert.Contains("--resume", unfinished.Stderr);
    }

    [Fact(Timeout = 60_000)]
    public async Task The_plan_counts_the_items_each_shard_then_ran_and_estimates_from_earlier_runs()
    {
        var ct = TestContext.Current.CancellationToken;
        // Run from a folder whose runs/ holds the whole trial: its stage times calibrate the estimate.
        string home = trial.Sub("plan-home");
        Directory.CreateDirectory(Path.Combine(home, "runs"));
        Folders.Copy(trial.Whole, Path.Combine(home, "runs", "earlier"));
        var plan = await Support.Cli.RunAsync([.. ShardedTrial.Args, "--shard", "0/3", "--plan"], ct, workingDirectory: home);
        Assert.True(plan.ExitCode == 0, plan.Stderr);
        Assert.Single(Directory.GetDirectories(Path.Combine(home, "runs"))); // the plan made no run folder
        var lines = plan.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        for (int k = 0; k < 3; k++)
        {
            // What shard k stored as each stage's item count in its (only) session.
            var stored = StoreReader.Lines(trial.Shard(k), "SELECT stage || '=' || items FROM stages WHERE stage <> 'report'");
            foreach (var entry in stored)
            {
                var (stage, items) = (entry.Split('=')[0], entry.Split('=')[1]);
                var line = lines.Single(l => l.StartsWith(stage + " ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
                Assert.True(items == line[1 + k], $"{stage}: the plan says {line[1 + k]} items for shard {k}/3, the shard ran {items}");
            }
        }
        Assert.Contains("over 1 earlier run(s)", plan.Stdout);
        var total = lines.Single(l => l.StartsWith("total ", StringComparison.Ordinal));
        Assert.Matches(@"\d+:\d\d$", total.Trim());
        Assert.DoesNotMatch(@" 0:00$", total.Trim());
    }

    [Fact(Timeout = 60_000)]
    public async Task A_shard_argument_out_of_range_is_a_user_error()
    {
        var r = await Support.Cli.RunAsync([.. ShardedTrial.Args, "--shard", "3/3", "--out", trial.Sub("bad")], TestContext.Current.CancellationToken);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--shard", r.Stderr);
        Assert.False(Directory.Exists(trial.Sub("bad")));
    }
}

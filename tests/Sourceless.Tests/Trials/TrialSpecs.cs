using System.Text.Json;
using Sourceless.Tests.Support;

namespace Sourceless.Tests.Trials;

/// <summary>Runs one small trial twice with the same seed (real compilers, qemu, sandbox, DuckDB).</summary>
public sealed class TwoSmallTrials : IAsyncLifetime
{
    public static readonly string[] Args =
    [
        "trial", "--tasks", "add_sat,dot_product,hypot_floor,greet", "--contenders", "gcc,noisy:0.01",
        "--targets", "x86_64/gcc/-O2,aarch64/gcc/-O2", "--generations", "2", "--seed", "11", "--json",
    ];

    private readonly TempFolder _tmp = new("sl-trial");
    public string RunA => _tmp.Sub("a");
    public string RunB => _tmp.Sub("b");
    public Support.Cli.Result A { get; private set; } = null!;
    public Support.Cli.Result B { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        A = await Support.Cli.RunAsync([.. Args, "--out", RunA], CancellationToken.None);
        B = await Support.Cli.RunAsync([.. Args, "--out", RunB], CancellationToken.None);
    }

    public ValueTask DisposeAsync()
    {
        _tmp.Dispose();
        return ValueTask.CompletedTask;
    }
}

public sealed class TrialSpecs(TwoSmallTrials trials) : IClassFixture<TwoSmallTrials>
{
    private static double Score(JsonElement root, string experiment, string contender) =>
        root.GetProperty("scores").EnumerateArray().Single(s => s.GetProperty("experiment").GetString() == experiment && s.GetProperty("contender").GetString() == contender)
            .GetProperty("score").GetDouble();

    // No timeout here: the fixture does the long work (the CLI bounds every tool and sandbox run).
    [Fact]
    public void The_trial_writes_report_json_and_a_duckdb_file_into_a_new_folder()
    {
        Assert.True(trials.A.ExitCode == 0, trials.A.Stderr);
        foreach (var f in new[] { "report.html", "report.md", "results.json", "results.duckdb" })
            Assert.True(File.Exists(Path.Combine(trials.RunA, f)), f);
        using var doc = JsonDocument.Parse(trials.A.Stdout);
        var root = doc.RootElement;
        Assert.Equal(100, Score(root, "reliability", "gcc"));
        Assert.Equal(100, Score(root, "portability", "gcc"));
        // At 1% per bit, about eight flips land in a 100-byte function: the noisy compiler loses.
        Assert.True(Score(root, "reliability", "noisy:0.01") < 50);
        Assert.All(root.GetProperty("scores").EnumerateArray(), s => Assert.StartsWith("score = ", s.GetProperty("formula").GetString()));
        Assert.Contains("Version control", root.GetProperty("not_measured").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains(root.GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("stage").GetString()), s => s == "generate");
    }

    // No timeout here: the fixture does the long work (the CLI bounds every tool and sandbox run).
    [Fact]
    public void Every_row_is_stored_with_how_it_was_made()
    {
        string run = trials.RunA;
        // 4 tasks x (gcc on 2 targets + noisy on 2 targets) x 2 generations.
        Assert.Equal(32, StoreReader.Count(run, "SELECT count(*) FROM artifacts"));
        Assert.Equal(32, StoreReader.Count(run, "SELECT count(*) FROM executions WHERE experiment = 'reliability'"));
        Assert.Equal(16, StoreReader.Count(run, "SELECT count(*) FROM executions WHERE experiment = 'portability'"));
        Assert.Equal(0, StoreReader.Count(run, "SELECT count(*) FROM invocations WHERE command_line NOT LIKE '%-O2%' AND tool LIKE '%gcc'"));
        Assert.Equal(0, StoreReader.Count(run, "SELECT count(*) FROM invocations WHERE version IS NULL OR version = '' OR duration_ms <= 0"));
        Assert.Equal(0, StoreReader.Count(run, "SELECT count(*) FROM executions WHERE command_line NOT LIKE '%bwrap --unshare-all%'"));
        Assert.True(StoreReader.Count(run, "SELECT count(*) FROM test_cases WHERE kind = 'random'") >= 4 * 20);
        var tools = StoreReader.Lines(run, "SELECT tool FROM tools");
        Assert.Contains("qemu-aarch64", tools);
        Assert.Contains("bwrap", tools);
        // gcc's artifacts declare what they import; noisy's bare bytes declare nothing.
        Assert.Contains("libdep:dep_isqrt", StoreReader.Lines(run, "SELECT dependencies FROM artifacts WHERE task = 'hypot_floor' AND contender = 'gcc' LIMIT 1").Single());
        Assert.Equal(0, StoreReader.Count(run, "SELECT count(*) FROM artifacts WHERE contender LIKE 'noisy%' AND (has_source OR has_object)"));
        // Interpretability: flips in every generation-0 artifact, typos only where there is source,
        // and only gcc's debug info can place a crash on a source line.
        Assert.Equal(0, StoreReader.Count(run, "SELECT count(*) FROM faults f JOIN artifacts a USING (artifact_id) WHERE a.contender LIKE 'noisy%' AND (f.kind = 'typo' OR f.located)"));
        Assert.True(StoreReader.Count(run, "SELECT count(*) FROM faults f JOIN artifacts a USING (artifact_id) WHERE a.contender = 'gcc' AND f.kind = 'flip' AND f.located") > 0);
        Assert.True(StoreReader.Count(run, "SELECT count(*) FROM faults WHERE kind = 'typo' AND outcome = 'rejected_here' AND abs(diagnostic_line - source_line) <= 1") > 0);
    }

    // No timeout here: the fixture does the long work (the CLI bounds every tool and sandbox run).
    [Fact]
    public async Task Any_stored_fault_re_runs_to_the_same_row()
    {
        var ct = TestContext.Current.CancellationToken;
        string run = trials.RunA;
        // A crash of gcc's code, a silent wrong output, and a typo: the kinds a reader would re-run.
        var ids = StoreReader.Lines(run, """
            SELECT min(fault_id) FROM faults f JOIN artifacts a USING (artifact_id)
            WHERE (a.contender = 'gcc' AND f.kind = 'flip' AND f.outcome IN ('crashed', 'wrong_output')) OR f.kind = 'typo'
            GROUP BY f.kind, f.outcome
            """);
        Assert.True(ids.Count >= 3, string.Join(", ", ids));
        foreach (var id in ids)
        {
            var r = await Support.Cli.RunAsync(["rerun", run, id, "--json"], ct);
            Assert.True(r.ExitCode == 0, r.Stderr);
            using var doc = JsonDocument.Parse(r.Stdout);
            Assert.True(doc.RootElement.GetProperty("same").GetBoolean(), r.Stdout);
        }
        var missing = await Support.Cli.RunAsync(["rerun", run, "no-such-fault"], ct);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("no fault 'no-such-fault'", missing.Stderr);
    }

    // No timeout here: the fixture does the long work (the CLI bounds every tool and sandbox run).
    [Fact]
    public void The_printed_score_is_the_formula_applied_to_the_raw_rows()
    {
        using var doc = JsonDocument.Parse(trials.A.Stdout);
        double printed = Score(doc.RootElement, "reliability", "noisy:0.01");
        string run = trials.RunA;
        double gens = StoreReader.Count(run, "SELECT count(*) FROM artifacts WHERE contender = 'noisy:0.01'");
        double passed = StoreReader.Count(run, "SELECT count(*) FROM executions e JOIN artifacts a USING (artifact_id) WHERE a.contender = 'noisy:0.01' AND e.experiment = 'reliability' AND e.outcome = 'passed'");
        double inputs = StoreReader.Count(run, "SELECT count(DISTINCT task || target) FROM artifacts WHERE contender = 'noisy:0.01'");
        double same = StoreReader.Count(run, "SELECT count(*) FROM (SELECT task, target FROM artifacts WHERE contender = 'noisy:0.01' GROUP BY ALL HAVING count(DISTINCT code_sha256) = 1 AND bool_and(status = 'ok'))");
        Assert.Equal(Math.Round(100 * passed / gens * same / inputs, 3), printed, 3);
    }

    // No timeout here: the fixture does the long work (the CLI bounds every tool and sandbox run).
    [Fact]
    public void The_same_seed_gives_the_same_artifacts_outcomes_and_scores()
    {
        Assert.True(trials.B.ExitCode == 0, trials.B.Stderr);
        Assert.Equal(StoreReader.Lines(trials.RunA, "SELECT artifact_id, code_sha256 FROM artifacts"),
                     StoreReader.Lines(trials.RunB, "SELECT artifact_id, code_sha256 FROM artifacts"));
        Assert.Equal(StoreReader.Lines(trials.RunA, "SELECT execution_id, outcome, signal, cases_passed FROM executions"),
                     StoreReader.Lines(trials.RunB, "SELECT execution_id, outcome, signal, cases_passed FROM executions"));
        Assert.Equal(StoreReader.Lines(trials.RunA, "SELECT task, case_index, arguments, expected FROM test_cases"),
                     StoreReader.Lines(trials.RunB, "SELECT task, case_index, arguments, expected FROM test_cases"));
        Assert.Equal(StoreReader.Lines(trials.RunA, "SELECT fault_id, outcome, signal, diagnostic_line, fault_line, located FROM faults"),
                     StoreReader.Lines(trials.RunB, "SELECT fault_id, outcome, signal, diagnostic_line, fault_line, located FROM faults"));
        using var a = JsonDocument.Parse(trials.A.Stdout);
        using var b = JsonDocument.Parse(trials.B.Stdout);
        Assert.Equal(a.RootElement.GetProperty("scores").GetRawText(), b.RootElement.GetProperty("scores").GetRawText());
    }
}

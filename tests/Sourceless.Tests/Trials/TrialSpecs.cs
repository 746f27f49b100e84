using System.Text.Json;
using Sourceless.Tests.Support;

namespace Sourceless.Tests.Trials;

/// <summary>Runs one small trial twice with the same seed (real compilers, qemu, sandbox, DuckDB):
/// the first on a quiet machine, the second with every core kept busy by spinning processes.</summary>
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
    public int SpinnersDuringB { get; private set; }

    public async ValueTask InitializeAsync()
    {
        A = await Support.Cli.RunAsync([.. Args, "--out", RunA], CancellationToken.None);
        using var load = new CpuLoad();
        SpinnersDuringB = load.Count;
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
    /// <summary>The raw rows of experiments 1 and 5-9 that the same seed must reproduce (paths and
    /// timings left out: they name the run folder or measure the machine).</summary>
    public static readonly string[] SameSeedRows =
    [
        "SELECT row_id, outcome, v2_passed, kept_passed, units_changed FROM iterations",
        "SELECT row_id, source_lines_changed, bytes_changed, bsdiff_bytes, hunks, hunks_attributed, bytes_outside_function FROM diffs",
        "SELECT row_id, passed FROM debug_checks",
        "SELECT row_id, functions_named, params_typed, locals_typed, named_bytes FROM structure",
        "SELECT row_id, declared, inferred, outcome_v10, outcome_v11, follows_library FROM dependencies",
        "SELECT row_id, status, flagged FROM audits",
        "SELECT row_id, stack_protector, cet_endbr, position_independent FROM hardening",
    ];

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
        // Every concern of the chart is measured for both contenders.
        Assert.Empty(root.GetProperty("not_measured").EnumerateArray());
        Assert.Equal(9 * 2, root.GetProperty("scores").GetArrayLength());
        Assert.Contains(root.GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("stage").GetString()), s => s == "generate");
    }

    // No timeout here: the fixture does the long work (the CLI bounds every tool and sandbox run).
    [Fact]
    public void Every_row_is_stored_with_how_it_was_made()
    {
        string run = trials.RunA;
        // 4 tasks x (gcc on 2 targets + noisy on 2 targets) x 2 generations of v1; generation 0 of
        // every task's v2, and of greet's planted-vulnerability variant.
        Assert.Equal(32, StoreReader.Count(run, "SELECT count(*) FROM artifacts WHERE version = 'v1'"));
        Assert.Equal(16, StoreReader.Count(run, "SELECT count(*) FROM artifacts WHERE version = 'v2'"));
        Assert.Equal(4, StoreReader.Count(run, "SELECT count(*) FROM artifacts WHERE version = 'vuln' AND task = 'greet'"));
        Assert.Equal(32, StoreReader.Count(run, "SELECT count(*) FROM executions WHERE experiment = 'reliability'"));
        Assert.Equal(16, StoreReader.Count(run, "SELECT count(*) FROM executions WHERE experiment = 'portability'"));
        Assert.Equal(0, StoreReader.Count(run, "SELECT count(*) FROM invocations WHERE command_line NOT LIKE '%-O2%' AND tool LIKE '%gcc'"));
        Assert.Equal(0, StoreReader.Count(run, "SELECT count(*) FROM invocations WHERE version IS NULL OR version = '' OR duration_ms <= 0"));
        Assert.Equal(0, StoreReader.Count(run, "SELECT count(*) FROM executions WHERE command_line NOT LIKE '%bwrap --unshare-%'"));
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
    public void The_essays_other_concerns_give_the_known_answers_for_the_compiler_and_for_bare_bytes()
    {
        string run = trials.RunA;
        long Count(string sql) => StoreReader.Count(run, sql);
        const string Gcc = "JOIN artifacts a ON a.artifact_id = x.artifact_id WHERE a.contender = 'gcc'";
        const string Noisy = "JOIN artifacts a ON a.artifact_id = x.artifact_id WHERE a.contender LIKE 'noisy%'";
        // Iteration: gcc's rebuilt v2 passes v2 and keeps v1's untouched answers, edited in source lines.
        Assert.Equal(8, Count($"SELECT count(*) FROM iterations x {Gcc} AND x.v2_passed = x.v2_total AND x.kept_passed = x.kept_total AND x.edit_unit = 'source lines'"));
        Assert.Equal(8, Count($"SELECT count(*) FROM iterations x {Noisy} AND x.edit_unit = 'bytes'"));
        // Version control: every hunk of gcc's binary diff in code has a name; none of noisy's. greet's
        // change request edits a string literal, which lies in no symbol and on no line of the line
        // table: those hunks stay anonymous even with symbols (the source diff shows them).
        Assert.Equal(0, Count($"SELECT count(*) FROM diffs x {Gcc} AND a.task <> 'greet' AND x.hunks_attributed <> x.hunks"));
        Assert.Equal(2, Count($"SELECT count(*) FROM diffs x {Gcc} AND a.task = 'greet' AND x.hunks_attributed < x.hunks AND x.bytes_outside_function > 0 AND x.source_diff LIKE '%+%Hi, %'"));
        Assert.Equal(0, Count($"SELECT count(*) FROM diffs x {Noisy} AND (x.hunks_attributed > 0 OR x.source_diff IS NOT NULL)"));
        // Debugging: the whole checklist works on gcc's artifacts and none of it on bare bytes.
        Assert.Equal(8 * 5, Count($"SELECT count(*) FROM debug_checks x {Gcc} AND x.passed"));
        Assert.Equal(0, Count($"SELECT count(*) FROM debug_checks x {Noisy} AND x.passed"));
        // Abstractions: DWARF types every parameter of gcc's functions.
        Assert.Equal(0, Count($"SELECT count(*) FROM structure x {Gcc} AND x.params_typed <> x.params_total"));
        Assert.Equal(0, Count($"SELECT count(*) FROM structure x {Noisy} AND (x.functions_named > 0 OR x.named_bytes > 0)"));
        // Dependencies: hypot_floor calls dep_isqrt, whose v1.1 fix gcc's bytes pick up unchanged.
        Assert.Equal(2, Count($"SELECT count(*) FROM dependencies x {Gcc} AND a.task = 'hypot_floor' AND x.fix_observable AND x.follows_library AND x.sbom IS NOT NULL"));
        Assert.Equal(0, Count($"SELECT count(*) FROM dependencies x {Noisy} AND (x.declared <> '' OR x.sbom IS NOT NULL)"));
        // Security: greet's planted format string is found in gcc's source; its clean source is not flagged.
        Assert.Equal(2, Count($"SELECT count(DISTINCT x.artifact_id) FROM audits x {Gcc} AND x.variant = 'vuln' AND x.flagged"));
        Assert.Equal(0, Count($"SELECT count(*) FROM audits x {Gcc} AND x.variant = 'clean' AND x.flagged"));
        Assert.Equal(0, Count($"SELECT count(*) FROM audits x {Noisy} AND x.status = 'ran' AND x.tool <> 'binary inspection'"));
        // Training data: the trial's corpus (exprgen tiers 1-3, 40 programs each, both targets) is on disk as Parquet.
        long pairs = Count("SELECT records FROM corpus_runs");
        Assert.True(pairs >= 3 * 40 * 2, $"{pairs} pairs");
        Assert.Equal(pairs, Count($"SELECT count(*) FROM read_parquet('{run}/corpus/*.parquet')"));
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
    public void The_same_seed_gives_the_same_artifacts_outcomes_and_scores_on_a_busy_machine()
    {
        Assert.True(trials.B.ExitCode == 0, trials.B.Stderr);
        Assert.Equal(Environment.ProcessorCount, trials.SpinnersDuringB); // B ran with every core busy
        Assert.Equal(StoreReader.Lines(trials.RunA, "SELECT artifact_id, code_sha256 FROM artifacts"),
                     StoreReader.Lines(trials.RunB, "SELECT artifact_id, code_sha256 FROM artifacts"));
        Assert.Equal(StoreReader.Lines(trials.RunA, "SELECT execution_id, outcome, signal, cases_passed FROM executions"),
                     StoreReader.Lines(trials.RunB, "SELECT execution_id, outcome, signal, cases_passed FROM executions"));
        Assert.Equal(StoreReader.Lines(trials.RunA, "SELECT task, case_index, arguments, expected FROM test_cases"),
                     StoreReader.Lines(trials.RunB, "SELECT task, case_index, arguments, expected FROM test_cases"));
        Assert.Equal(StoreReader.Lines(trials.RunA, "SELECT fault_id, outcome, signal, diagnostic_line, fault_line, located FROM faults"),
                     StoreReader.Lines(trials.RunB, "SELECT fault_id, outcome, signal, diagnostic_line, fault_line, located FROM faults"));
        foreach (var sql in SameSeedRows)
            Assert.Equal(StoreReader.Lines(trials.RunA, sql), StoreReader.Lines(trials.RunB, sql));
        using var a = JsonDocument.Parse(trials.A.Stdout);
        using var b = JsonDocument.Parse(trials.B.Stdout);
        Assert.Equal(a.RootElement.GetProperty("scores").GetRawText(), b.RootElement.GetProperty("scores").GetRawText());
    }

    // No timeout here: the fixture does the long work (the CLI bounds every tool and sandbox run).
    [Fact]
    public async Task Every_stored_timed_out_and_crashed_fault_re_runs_to_the_same_row()
    {
        var ct = TestContext.Current.CancellationToken;
        using var tmp = new TempFolder("sl-rerun-all");
        var services = new Sourceless.Trials.TrialServices(tmp.Sub("work"), 2);
        foreach (var run in new[] { trials.RunA, trials.RunB })
        {
            using var store = Sourceless.Store.TrialStore.Open(Path.Combine(run, "results.duckdb"), readOnly: true);
            var faults = Sourceless.Experiments.Interpretability.FaultRerun.Stored(store, "f.outcome IN ('timed_out', 'crashed')");
            Assert.True(faults.Count >= 10, $"{faults.Count} timed-out or crashed faults in {run}");
            var differ = new List<string>();
            foreach (var f in faults)
            {
                var now = await Sourceless.Experiments.Interpretability.FaultRerun.RunAsync(store, f, services, ct);
                if (!Sourceless.Experiments.Interpretability.FaultRerun.Same(f, now)) differ.Add($"{now.FaultId}: stored {f.Outcome} {f.Signal}, now {now.Outcome} {now.Signal}");
            }
            Assert.True(differ.Count == 0, $"{differ.Count} of {faults.Count} differ: {string.Join("; ", differ.Take(5))}");
        }
    }
}

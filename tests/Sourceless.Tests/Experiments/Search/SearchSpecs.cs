using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Sourceless.Tests.Support;

namespace Sourceless.Tests.Experiments.Search;

/// <summary>
/// One small trial with the AI side's means (real compilers, sandbox, DuckDB): noisy:P@best:8
/// searching over seeded candidates, and two llm:URL#c@repair:3 contenders whose replies are a
/// function of what they are sent. The endpoints are <see cref="ScriptedEndpoint"/>, a test double:
/// a real model does not reliably write C that fails to compile and then C that hard-codes the
/// examples it was shown, which is the fault under test.
/// - "cheat": round 0 does not compile; round 1 returns exactly the visible examples' results and
///   something else for every other input (it passes every visible case and fails hidden ones).
/// - "stubborn": never compiles; its replies (7 tokens each) pass --llm-max-tokens 10 after two rounds.
/// </summary>
public sealed class SearchTrial : IAsyncLifetime
{
    private readonly TempFolder _tmp = new("sl-search");
    private ScriptedEndpoint _cheat = null!, _stubborn = null!;
    public string Run => _tmp.Sub("run");
    public Support.Cli.Result Result { get; private set; } = null!;
    public string Cheat => $"llm:{_cheat.BaseUrl}#c@repair:3";
    public string Stubborn => $"llm:{_stubborn.BaseUrl}#c@repair:3";
    public const string Noisy = "noisy:0.004@best:8";

    private const string Broken = "```c\n#include \"task.h\"\nunsigned abs_diff(int a, int b) {\n```";

    /// <summary>C that returns each visible example's expected result and 12345 for anything else.</summary>
    private static ScriptedEndpoint.Response CheatReply(ScriptedEndpoint.Received request)
    {
        var messages = ScriptedEndpoint.Messages(request);
        if (!messages[^1].Text.Contains("did not build", StringComparison.Ordinal)) return ScriptedEndpoint.Chat(Broken);
        var task = messages.Last(m => m.Role == "user" && m.Text.Contains("Examples", StringComparison.Ordinal)).Text;
        var cases = Regex.Matches(task, @"abs_diff\((-?\d+), (-?\d+)\) -> (\d+)")
            .Select(m => $"    if (a == {Lit(m.Groups[1].Value)} && b == {Lit(m.Groups[2].Value)}) return {m.Groups[3].Value}u;");
        return ScriptedEndpoint.Chat("```c\n#include \"task.h\"\nunsigned abs_diff(int a, int b)\n{\n" + string.Join("\n", cases) + "\n    return 12345u;\n}\n```");
    }

    // INT_MIN is not an int literal in C.
    private static string Lit(string v) => v == "-2147483648" ? "(-2147483647 - 1)" : v;

    public async ValueTask InitializeAsync()
    {
        _cheat = new ScriptedEndpoint(CheatReply);
        _stubborn = new ScriptedEndpoint(_ => ScriptedEndpoint.Chat(Broken));
        Result = await Support.Cli.RunAsync(["trial", "--tasks", "abs_diff,max3,clamp_sum,sum_array", "--targets", "x86_64/gcc/-O2", "--generations", "1",
            "--fault-tasks", "0", "--contenders", $"gcc,{Noisy},{Cheat},{Stubborn}", "--llm-model", "scripted", "--llm-max-tokens", "10",
            "--llm-price-per-mtok", "2,8", "--out", Run, "--json"], CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await _cheat.DisposeAsync();
        await _stubborn.DisposeAsync();
        _tmp.Dispose();
    }
}

public sealed class SearchSpecs(SearchTrial trial) : IClassFixture<SearchTrial>
{
    private string Run => trial.Run;

    [Fact]
    public void Best_of_k_keeps_the_first_candidate_that_passes_the_visible_cases_when_the_first_draw_fails()
    {
        Assert.True(trial.Result.ExitCode == 0, trial.Result.Stderr);
        // A seeded case where the plain draw (candidate 0, the noisy contender's own generation)
        // fails the visible cases and a later draw passes them: that one is kept, and the search stops.
        var rescued = StoreReader.Lines(Run, $"""
            SELECT c.artifact_id FROM candidates c JOIN artifacts a USING (artifact_id)
            WHERE a.contender = '{SearchTrial.Noisy}' AND c.seq = 0 AND c.visible_outcome <> 'passed'
              AND EXISTS (SELECT 1 FROM candidates d WHERE d.artifact_id = c.artifact_id AND d.visible_outcome = 'passed')
            """);
        Assert.NotEmpty(rescued);
        foreach (string id in rescued)
        {
            var rows = StoreReader.Lines(Run, $"SELECT seq || ' ' || coalesce(visible_outcome, status) || ' ' || chosen FROM candidates WHERE artifact_id = '{id}' ORDER BY seq");
            int first = rows.FindIndex(r => r.Contains(" passed ", StringComparison.Ordinal));
            Assert.EndsWith("passed true", rows[first]);
            Assert.Equal(first + 1, rows.Count); // nothing drawn after the first pass
            Assert.All(rows.Take(first), r => Assert.EndsWith("false", r));
        }
        // Every search artifact is its kept candidate's bytes, and every candidate with bytes ran on the hidden cases.
        Assert.Equal("0", StoreReader.Lines(Run, """
            SELECT count(*) FROM artifacts a JOIN candidates c ON c.artifact_id = a.artifact_id AND c.chosen
            WHERE a.code_sha256 <> c.code_sha256
            """)[0]);
        Assert.Equal(StoreReader.Lines(Run, "SELECT count(*) FROM candidates c JOIN artifacts a USING (artifact_id) WHERE c.code IS NOT NULL AND a.version = 'v1'"),
            StoreReader.Lines(Run, "SELECT count(*) FROM candidate_runs"));
        // The kept candidate's hidden run is reliability's run of the same bytes.
        Assert.Equal("0", StoreReader.Lines(Run, """
            SELECT count(*) FROM candidate_runs r JOIN candidates c ON c.artifact_id = r.artifact_id AND c.seq = r.seq AND c.chosen
            JOIN executions e ON e.artifact_id = r.artifact_id AND e.experiment = 'reliability' WHERE e.outcome <> r.outcome
            """)[0]);
    }

    [Fact]
    public void A_candidate_that_passes_the_visible_cases_and_fails_a_hidden_one_is_a_failure()
    {
        string id = StoreReader.Lines(Run, $"SELECT artifact_id FROM artifacts WHERE contender = '{trial.Cheat}' AND task = 'abs_diff' AND version = 'v1'").Single();
        // Round 0 did not compile; round 1 hard-coded the three examples and was kept.
        Assert.Equal(["0 failed false", "1 passed true"], StoreReader.Lines(Run, $"SELECT seq || ' ' || coalesce(visible_outcome, status) || ' ' || chosen FROM candidates WHERE artifact_id = '{id}'"));
        Assert.Equal(["0", "1"], StoreReader.Lines(Run, $"SELECT round FROM model_requests WHERE artifact_id = '{id}'"));
        // The second request carried the compiler's error back in the same conversation.
        Assert.Equal("wrong_output", StoreReader.Lines(Run, $"SELECT outcome FROM executions WHERE artifact_id = '{id}' AND experiment = 'reliability'").Single());
        Assert.Equal("3", StoreReader.Lines(Run, "SELECT count(*) FROM test_cases WHERE visible AND task = 'abs_diff' AND version = 'v1'")[0]);
        // No hidden case repeats a visible one's input (hand-picked v2 cases repeat v1's, for one).
        Assert.Equal("0", StoreReader.Lines(Run, """
            SELECT count(*) FROM test_cases h JOIN test_cases v ON v.task = h.task AND v.version = h.version AND v.arguments = h.arguments
            WHERE v.visible AND NOT h.visible
            """)[0]);
        using var doc = JsonDocument.Parse(trial.Result.Stdout);
        var score = doc.RootElement.GetProperty("scores").EnumerateArray()
            .Single(s => s.GetProperty("experiment").GetString() == "reliability" && s.GetProperty("contender").GetString() == trial.Cheat);
        Assert.Equal(0, score.GetProperty("score").GetDouble());
    }

    [Fact]
    public void A_repair_conversation_past_max_tokens_stops_with_that_reason_stored()
    {
        string id = StoreReader.Lines(Run, $"SELECT artifact_id FROM artifacts WHERE contender = '{trial.Stubborn}' AND task = 'abs_diff' AND version = 'v1'").Single();
        var rows = StoreReader.Lines(Run, $"SELECT seq || ' ' || status || ' ' || coalesce(failure, '') FROM candidates WHERE artifact_id = '{id}'");
        Assert.Equal(2, rows.Count);
        Assert.Contains("past --llm-max-tokens 10", rows[1]);
        Assert.StartsWith("no round of 2 built an artifact", StoreReader.Lines(Run, $"SELECT failure FROM artifacts WHERE artifact_id = '{id}'").Single());
    }

    [Fact]
    public void The_cost_section_figures_are_the_rows_figures()
    {
        using var doc = JsonDocument.Parse(trial.Result.Stdout);
        var cost = doc.RootElement.GetProperty("cost").GetProperty("contenders").EnumerateArray().ToDictionary(c => c.GetProperty("contender").GetString()!);
        foreach (var (contender, figures) in cost)
        {
            var latencies = StoreReader.Lines(Run, $"""
                SELECT a.latency_ms FROM artifacts a JOIN executions e ON e.artifact_id = a.artifact_id AND e.experiment = 'reliability'
                WHERE a.contender = '{contender}' AND a.version = 'v1' AND e.outcome = 'passed'
                """).Select(x => double.Parse(x, CultureInfo.InvariantCulture)).Order().ToList();
            long generations = StoreReader.Count(Run, $"SELECT count(*) FROM artifacts WHERE contender = '{contender}' AND version = 'v1'");
            Assert.Equal(generations, figures.GetProperty("generations").GetInt64());
            Assert.Equal(latencies.Count, figures.GetProperty("correct").GetInt64());
            if (latencies.Count == 0) Assert.Equal(JsonValueKind.Null, figures.GetProperty("median_seconds_to_correct").ValueKind);
            else
            {
                double median = latencies.Count % 2 == 1 ? latencies[latencies.Count / 2] : (latencies[latencies.Count / 2 - 1] + latencies[latencies.Count / 2]) / 2;
                // results.json rounds to 9 decimals.
                Assert.Equal(median / 1000, figures.GetProperty("median_seconds_to_correct").GetDouble(), tolerance: 1e-9);
            }
        }
        // Prices from the model_requests rows and --llm-price-per-mtok 2,8 (dollars per million tokens in and out).
        foreach (string llm in new[] { trial.Cheat, trial.Stubborn })
        {
            var tokens = StoreReader.Lines(Run, $"""
                SELECT sum(m.prompt_tokens) || ' ' || sum(m.completion_tokens) FROM model_requests m JOIN artifacts a USING (artifact_id)
                WHERE a.contender = '{llm}' AND a.version = 'v1'
                """).Single().Split(' ').Select(long.Parse).ToList();
            long generations = cost[llm].GetProperty("generations").GetInt64();
            Assert.Equal((tokens[0] * 2 + tokens[1] * 8) / 1e6 / generations, cost[llm].GetProperty("price_per_generation").GetDouble(), tolerance: 1e-9);
        }
        Assert.Equal(JsonValueKind.Null, cost["gcc"].GetProperty("price_per_generation").ValueKind);
        // A search costs its candidates: at least one per generation, more where the first draw failed.
        Assert.True(cost[SearchTrial.Noisy].GetProperty("candidates_per_generation").GetDouble() > 1);
        string html = File.ReadAllText(Path.Combine(Run, "report.html"));
        Assert.Contains("Search, repair and cost", html);
        Assert.Contains("cited, not measured here", html);
    }
}

/// <summary>The curve's rule is the contenders' rule: the first candidate that passes every visible
/// case, else the one passing most, the earliest on a tie; a candidate that passed every case and
/// then crashed is not a pass.</summary>
[Trait(Quick.Trait, Quick.Value)]
public sealed class KeptCandidateSpecs
{
    private static Sourceless.Experiments.Search.SearchExperiment.CandidateResult C(int seq, string status, string? visible, int? passed, string? hidden) =>
        new("x@best:4", "a1", seq, status, visible, passed, hidden);

    [Fact]
    public void A_pass_after_a_crash_that_passed_as_many_cases_is_kept()
    {
        var curve = Sourceless.Experiments.Search.SearchExperiment.Curve(
            [C(0, "ok", "crashed", 3, "crashed"), C(1, "failed", null, null, null), C(2, "ok", "passed", 3, "passed")]);
        Assert.Equal([0, 0, 1], curve.Select(p => p.HiddenPassed));
        Assert.Equal([0, 0, 1], curve.Select(p => p.VisiblePassed));
    }

    [Fact]
    public void Without_a_pass_the_earliest_of_the_most_passing_is_kept()
    {
        var curve = Sourceless.Experiments.Search.SearchExperiment.Curve(
            [C(0, "ok", "wrong_output", 1, "wrong_output"), C(1, "ok", "wrong_output", 2, "passed"), C(2, "ok", "wrong_output", 2, "wrong_output")]);
        Assert.Equal([0, 1, 1], curve.Select(p => p.HiddenPassed));
    }
}

using System.Diagnostics;
using Sourceless.Contenders;
using Sourceless.Contenders.Llm;
using Sourceless.Targets;
using Sourceless.Tests.Support;
using Sourceless.Trials;

namespace Sourceless.Tests.Contenders.Llm;

/// <summary>
/// The llm contender against the faults a real endpoint has. The endpoint here is
/// <see cref="ScriptedEndpoint"/>, a test double: `sourceless serve` never answers slowly, with
/// 429 or 500, with malformed JSON or without code, so those replies are scripted. Connection
/// refused is real (a port nothing listens on). Every attempt must come back as a recorded
/// request row, and the generation as an artifact or a failure with its reason.
/// </summary>
public sealed class LlmFaultSpecs : IDisposable
{
    private readonly TempFolder _tmp = new("sl-llm");

    public void Dispose() => _tmp.Dispose();

    private static readonly LlmSettings Fast = new() { Model = "scripted", TimeoutSeconds = 2, Retries = 2, BackoffSeconds = 0.05 };

    private async Task<Generation> GenerateAsync(string url, string mode, LlmSettings? settings = null, string task = "add_sat")
    {
        var ct = TestContext.Current.CancellationToken;
        var services = new TrialServices(_tmp.Sub("work"), 2);
        var t = Compiled.Task(task);
        var plan = await services.Planner.PlanAsync(t, t.V1, 1, ct);
        var contender = new LlmContender($"llm:{url}#{mode}", settings ?? Fast, services.Contenders, _tmp.Sub("fewshot"));
        var target = Target.Parse("x86_64/gcc/-O2");
        return await contender.GenerateAsync(new GenerationRequest(t, t.V1, target, 0, 1, plan.Folder, services.Workspace.Dir("gen", mode + Guid.NewGuid().ToString("N")[..6])), ct);
    }

    [Fact]
    public async Task A_429_with_retry_after_is_waited_out_and_the_next_attempt_is_used()
    {
        await using var server = new ScriptedEndpoint([
            new(429, "{\"error\":{\"message\":\"slow down\"}}", RetryAfter: "1"),
            ScriptedEndpoint.Chat("```hex\n8d 04 37 c3\n```"),
        ]);
        var sw = Stopwatch.StartNew();
        var gen = await GenerateAsync(server.BaseUrl, "hex");
        Assert.NotNull(gen.Artifact);
        Assert.Equal("8D0437C3", Convert.ToHexString(gen.Artifact!.Code));
        Assert.True(sw.Elapsed >= TimeSpan.FromSeconds(0.95), $"Retry-After: 1 was not honoured ({sw.Elapsed})");
        Assert.Equal(["rate_limited", "ok"], gen.Requests.Select(r => r.Outcome));
        Assert.Equal([429, 200], gen.Requests.Select(r => r.Status ?? 0));
        Assert.Equal(11, gen.Requests[1].PromptTokens);
        Assert.Equal(7, gen.Requests[1].CompletionTokens);
    }

    [Fact]
    public async Task Server_errors_and_slow_replies_are_retried_then_reported_with_every_attempt()
    {
        await using var server = new ScriptedEndpoint([
            new(500, "{\"error\":{\"message\":\"boom\"}}"),
            new(200, "{}", Delay: TimeSpan.FromSeconds(5)),
            new(503, "{\"error\":{\"message\":\"overloaded\"}}"),
        ]);
        var gen = await GenerateAsync(server.BaseUrl, "hex");
        Assert.Null(gen.Artifact);
        Assert.Equal(["server_error", "timed_out", "server_error"], gen.Requests.Select(r => r.Outcome));
        Assert.StartsWith("server_error after 3 attempts", gen.Failure);
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task Malformed_json_and_a_reply_without_code_are_outcomes_not_crashes()
    {
        await using var server = new ScriptedEndpoint([
            new(200, "{\"choices\": [ this is not json"),
            ScriptedEndpoint.Chat("I am sorry, I cannot write machine code."),
            ScriptedEndpoint.Chat("Here you go:\n```asm\n    this is not an instruction\n```"),
            ScriptedEndpoint.Chat("```c\nint add_sat(int a, int b) { return a + ; }\n```"),
        ]);
        var malformed = await GenerateAsync(server.BaseUrl, "hex");
        Assert.Null(malformed.Artifact);
        Assert.Equal("malformed_reply", malformed.Requests.Single().Outcome);
        var noCode = await GenerateAsync(server.BaseUrl, "hex");
        Assert.Equal("the reply's code block is not hex bytes", noCode.Failure);
        Assert.Contains("cannot write machine code", noCode.Requests.Single().Reply);
        var badAsm = await GenerateAsync(server.BaseUrl, "asm");
        Assert.StartsWith("assemble: ", badAsm.Failure);
        var badC = await GenerateAsync(server.BaseUrl, "c");
        Assert.StartsWith("compile: ", badC.Failure);
    }

    [Fact]
    public async Task Connection_refused_is_retried_and_then_a_failed_generation()
    {
        string url = $"http://127.0.0.1:{ScriptedEndpoint.FreePort()}/v1";
        var gen = await GenerateAsync(url, "hex");
        Assert.Null(gen.Artifact);
        Assert.Equal(3, gen.Requests.Count);
        Assert.All(gen.Requests, r => Assert.Equal("connection_failed", r.Outcome));
        Assert.StartsWith("connection_failed after 3 attempts", gen.Failure);
    }

    [Fact]
    public async Task The_three_modes_build_working_artifacts_from_good_replies()
    {
        await using var server = new ScriptedEndpoint([
            ScriptedEndpoint.Chat("```hex\n89 f8 01 f0 c3\n```"),
            ScriptedEndpoint.Chat("```asm\n    lea (%rdi,%rsi,1), %eax\n    ret\n```"),
            ScriptedEndpoint.Chat("```c\n#include \"task.h\"\n/* the model's own comment */\nint add_sat(int a, int b) { long long s = (long long)a + b; return s > 2147483647 ? 2147483647 : s < -2147483648LL ? (int)-2147483648LL : (int)s; }\n```"),
        ]);
        var hex = await GenerateAsync(server.BaseUrl, "hex");
        var asm = await GenerateAsync(server.BaseUrl, "asm");
        var c = await GenerateAsync(server.BaseUrl, "c");
        Assert.Equal("89F801F0C3", Convert.ToHexString(hex.Artifact!.Code));
        Assert.Equal("8D0437C3", Convert.ToHexString(asm.Artifact!.Code[..4]));
        Assert.Null(asm.Artifact.Source);
        Assert.NotNull(c.Artifact!.Source);
        Assert.Contains("the model's own comment", c.Artifact.Source);
        Assert.NotNull(c.Artifact.DebugImage); // the real compiler's DWARF comes with the C path
        // The prompts carry the template's version, the spec and (for hex and asm) the reference C; C mode gets no reference.
        Assert.Contains("Output format: hex", server.Requests[0].Body);
        Assert.Contains("clamp the result", server.Requests[0].Body);
        Assert.Contains("add_sat", server.Requests[2].Body);
        Assert.DoesNotContain("ref.c", server.Requests[2].Body);
        Assert.Equal("hex-2", hex.Requests.Single().PromptVersion);
    }

    [Fact]
    public async Task A_trial_against_a_faulty_endpoint_stores_every_request_and_never_the_key()
    {
        var ct = TestContext.Current.CancellationToken;
        int n = 0;
        await using var server = new ScriptedEndpoint([], () => (Interlocked.Increment(ref n) % 3) switch
        {
            1 => new ScriptedEndpoint.Response(500, "{\"error\":{\"message\":\"flaky\"}}"),
            2 => ScriptedEndpoint.Chat("```hex\n8d 04 37 c3\n```"),
            _ => ScriptedEndpoint.Chat("no code today"),
        });
        string run = _tmp.Sub("run");
        var psi = Support.Cli.StartInfo(["trial", "--tasks", "add_sat,abs_diff", "--contenders", $"gcc,llm:{server.BaseUrl}#hex", "--targets", "x86_64/gcc/-O2",
            "--generations", "2", "--fault-tasks", "0", "--out", run, "--llm-api-key-env", "SL_TEST_KEY", "--llm-retries", "1", "--llm-model", "scripted"]);
        psi.Environment["SL_TEST_KEY"] = "sk-test-do-not-store-4242";
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync(ct);
        await p.StandardOutput.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        Assert.True(p.ExitCode == 0, await stderr);
        Assert.Contains(server.Requests, r => r.Head.Contains("Bearer sk-test-do-not-store-4242", StringComparison.Ordinal));
        var rows = StoreReader.Lines(run, "SELECT artifact_id || ' ' || status FROM artifacts WHERE contender LIKE 'llm:%' ORDER BY 1");
        Assert.Equal(2 * 2 + 2, rows.Count); // k=2 of v1, plus v2 generation 0, for two tasks
        int requests = int.Parse(StoreReader.Lines(run, "SELECT count(*) FROM model_requests")[0]);
        Assert.Equal(server.Requests.Count, requests);
        foreach (var file in Directory.EnumerateFiles(run, "*", SearchOption.AllDirectories))
            Assert.DoesNotContain("sk-test-do-not-store-4242", File.ReadAllText(file));
    }
}

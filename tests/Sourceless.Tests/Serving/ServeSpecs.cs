using System.Diagnostics;
using System.Net;
using System.Text;
using System.ClientModel;
using Microsoft.Extensions.AI;
using OpenAI;
using Sourceless.Tests.Support;

namespace Sourceless.Tests.Serving;

/// <summary>
/// `sourceless serve` as a real process on a loopback port, with the shipped checkpoint: the
/// OpenAI API as clients use it (Microsoft.Extensions.AI's client, streaming and not), its limits,
/// and a whole trial through it that must agree with the direct neural contender.
/// </summary>
public sealed class ServeSpecs : IAsyncLifetime
{
    private readonly TempFolder _tmp = new("sl-serve");
    private Process? _server;
    private string _url = "";

    public async ValueTask InitializeAsync()
    {
        var psi = Support.Cli.StartInfo(["serve", "--port", "0", "--concurrency", "2", "--max-request-bytes", "65536"]);
        psi.RedirectStandardInput = true;
        _server = Process.Start(psi)!;
        var line = await _server.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(60));
        _url = line ?? throw new InvalidOperationException("serve printed no URL: " + await _server.StandardError.ReadToEndAsync());
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is { HasExited: false }) { _server.Kill(entireProcessTree: true); await _server.WaitForExitAsync(); }
        _server?.Dispose();
        _tmp.Dispose();
    }

    private IChatClient Client() =>
        new OpenAI.Chat.ChatClient("sourceless-neural", new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = new Uri(_url) }).AsIChatClient();

    [Fact]
    public async Task It_listens_on_loopback_and_answers_models_chat_and_streaming_alike()
    {
        var ct = TestContext.Current.CancellationToken;
        Assert.StartsWith("http://127.0.0.1:", _url);
        using var http = new HttpClient();
        var models = await http.GetStringAsync(_url + "/models", ct);
        Assert.Contains("\"sourceless-neural\"", models);
        var messages = new List<ChatMessage> { new(ChatRole.User, "Target: x86_64/gcc/-O2\n```c\nint f(int a, int b)\n{\n    return (a + b);\n}\n```") };
        var whole = await Client().GetResponseAsync(messages, cancellationToken: ct);
        var streamed = new StringBuilder();
        int updates = 0;
        await foreach (var u in Client().GetStreamingResponseAsync(messages, cancellationToken: ct)) { streamed.Append(u.Text); updates++; }
        Assert.StartsWith("```hex\n", whole.Text);
        Assert.Equal(whole.Text, streamed.ToString());
        Assert.True(updates >= 3, $"{updates} stream updates");
        Assert.True(whole.Usage?.InputTokenCount > 10);
        // No C in the request: the built-in model says so instead of inventing bytes.
        var none = await Client().GetResponseAsync([new ChatMessage(ChatRole.User, "write a sorting program")], cancellationToken: ct);
        Assert.Contains("no ```c block", none.Text);
        // Limits: an oversized body is refused with 413, a broken one with 400.
        var big = await http.PostAsync(_url + "/chat/completions", new StringContent("{\"messages\":[{\"role\":\"user\",\"content\":\"" + new string('x', 100_000) + "\"}]}", Encoding.UTF8, "application/json"), ct);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, big.StatusCode);
        var bad = await http.PostAsync(_url + "/chat/completions", new StringContent("{nope", Encoding.UTF8, "application/json"), ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var wrongType = await http.PostAsync(_url + "/chat/completions", new StringContent("{\"n\": \"two\", \"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", Encoding.UTF8, "application/json"), ct);
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
    }

    [Fact]
    public async Task A_trial_through_serve_in_each_mode_agrees_with_the_direct_neural_contender()
    {
        var ct = TestContext.Current.CancellationToken;
        string run = _tmp.Sub("run");
        var result = await Support.Cli.RunAsync(["trial", "--tasks", "sign3,max3,avg_floor,is_square", "--targets", "x86_64/gcc/-O2", "--generations", "1",
            "--fault-tasks", "1", "--out", run, "--contenders", $"gcc,neural,llm:{_url}#hex,llm:{_url}#asm,llm:{_url}#c", "--llm-model", "sourceless-neural"], ct);
        Assert.True(result.ExitCode == 0, result.Stderr);
        string hex = $"llm:{_url}#hex", asm = $"llm:{_url}#asm", c = $"llm:{_url}#c";
        // hex through the API: byte for byte what the model wrote directly.
        var direct = StoreReader.Lines(run, "SELECT task || ' ' || version || ' ' || coalesce(code_sha256, failure) FROM artifacts WHERE contender = 'neural' ORDER BY 1");
        var viaHex = StoreReader.Lines(run, $"SELECT task || ' ' || version || ' ' || coalesce(code_sha256, failure) FROM artifacts WHERE contender = '{hex}' ORDER BY 1");
        Assert.Equal(direct, viaHex);
        Assert.NotEmpty(direct);
        // asm: rebuilt by the assembler; the same test outcomes as the direct model.
        string Outcomes(string contender) => string.Join(",", StoreReader.Lines(run,
            $"SELECT a.task || ':' || e.outcome FROM executions e JOIN artifacts a USING (artifact_id) WHERE e.experiment = 'reliability' AND a.contender = '{contender}' ORDER BY 1"));
        Assert.Equal(Outcomes("neural"), Outcomes(asm));
        // C mode: the built-in model writes machine code, not C; every reply says so and is a failed generation.
        Assert.All(StoreReader.Lines(run, $"SELECT failure FROM artifacts WHERE contender = '{c}'"), f => Assert.Equal("the reply holds no C function", f));
        Assert.All(StoreReader.Lines(run, "SELECT status || ' ' || outcome FROM model_requests"), r => Assert.Equal("200 ok", r));
        Assert.Equal("0", StoreReader.Lines(run, "SELECT count(*) FROM model_requests WHERE prompt_tokens IS NULL OR latency_ms <= 0")[0]);
    }

    [Fact]
    public async Task A_repair_loop_through_serve_stores_every_round_of_the_conversation()
    {
        var ct = TestContext.Current.CancellationToken;
        string run = _tmp.Sub("repair");
        string repair = $"llm:{_url}#hex@repair:2";
        var result = await Support.Cli.RunAsync(["trial", "--tasks", "sign3,max3,avg_floor", "--targets", "x86_64/gcc/-O2", "--generations", "1",
            "--fault-tasks", "0", "--out", run, "--contenders", $"gcc,{repair}", "--llm-model", "sourceless-neural", "--llm-temperature", "0.9"], ct);
        Assert.True(result.ExitCode == 0, result.Stderr);
        var ids = StoreReader.Lines(run, $"SELECT artifact_id FROM artifacts WHERE contender = '{repair}'");
        Assert.NotEmpty(ids);
        foreach (string id in ids)
        {
            // One request per round (serve answers at once: no retries), one candidate per round, rounds 0..r.
            var rounds = StoreReader.Lines(run, $"SELECT round FROM model_requests WHERE artifact_id = '{id}'").Select(int.Parse).Order().ToList();
            var candidates = StoreReader.Lines(run, $"SELECT seq || ' ' || coalesce(visible_outcome, status) FROM candidates WHERE artifact_id = '{id}'");
            Assert.Equal(Enumerable.Range(0, rounds.Count), rounds);
            Assert.Equal(rounds.Count, candidates.Count);
            // The loop ends at the first round that passes every visible case, or after round 2.
            int firstPass = candidates.FindIndex(c => c.EndsWith(" passed", StringComparison.Ordinal));
            Assert.Equal(firstPass >= 0 ? firstPass + 1 : 3, rounds.Count);
        }
        Assert.Contains("Hidden pass rate against candidates drawn or repair rounds", await File.ReadAllTextAsync(Path.Combine(run, "report.html"), ct));
    }
}

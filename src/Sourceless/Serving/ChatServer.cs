using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sourceless.Neural;
using Sourceless.Targets;

namespace Sourceless.Serving;

/// <summary>Where and how the server listens, and what it allows.</summary>
public sealed record ServeOptions(string Checkpoint, string Host = "127.0.0.1", int Port = 8080, string ModelName = "sourceless-neural",
    long MaxRequestBytes = 256 * 1024, int Concurrency = 2, int MaxTokens = 256);

/// <summary>
/// <c>sourceless serve</c>: the built-in neural compiler behind the OpenAI-compatible API
/// (GET /v1/models, POST /v1/chat/completions with "stream": true as server-sent events), on
/// ASP.NET Core's Kestrel, bound to 127.0.0.1 unless told otherwise. The model translates C: the
/// last ```c block of the last user message is its prompt, a "Target: isa/compiler/level" line
/// picks the tag, and "Output format: asm" in the conversation gets assembly instead of hex. A
/// request over the size limit gets 413; one over the concurrency limit 429 with Retry-After.
/// </summary>
public sealed partial class ChatServer : IAsyncDisposable
{
    private readonly ServeOptions _options;
    private readonly Transformer _model;
    private readonly TrainingInfo _training;
    private readonly SemaphoreSlim _inFlight;
    private readonly Lock _modelGate = new();
    private WebApplication? _app;

    public ChatServer(ServeOptions options)
    {
        _options = options;
        var loaded = Checkpoint.Load(options.Checkpoint);
        _model = loaded.Model;
        _training = loaded.Training;
        _inFlight = new SemaphoreSlim(options.Concurrency, options.Concurrency);
    }

    /// <summary>The base URL clients use, e.g. http://127.0.0.1:8080/v1 (the real port when 0 was asked).</summary>
    public string BaseUrl { get; private set; } = "";

    public async Task StartAsync(CancellationToken ct)
    {
        Blas.UseThreads(1);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = _options.MaxRequestBytes;
            k.Listen(System.Net.IPAddress.Parse(_options.Host), _options.Port);
        });
        var app = builder.Build();
        app.MapGet("/v1/models", () => Results.Json(new JsonObject
        {
            ["object"] = "list",
            ["data"] = new JsonArray(new JsonObject { ["id"] = _options.ModelName, ["object"] = "model", ["created"] = 0, ["owned_by"] = "sourceless" }),
        }));
        app.MapPost("/v1/chat/completions", ChatAsync);
        await app.StartAsync(ct);
        _app = app;
        var address = app.Urls.First();
        BaseUrl = address.TrimEnd('/') + "/v1";
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) { await _app.StopAsync(); await _app.DisposeAsync(); }
    }

    private static IResult Error(int status, string message, string type) =>
        Results.Json(new JsonObject { ["error"] = new JsonObject { ["message"] = message, ["type"] = type } }, statusCode: status);

    private async Task ChatAsync(HttpContext http)
    {
        if (!await _inFlight.WaitAsync(0))
        {
            http.Response.Headers.RetryAfter = "1";
            await Error(429, $"more than {_options.Concurrency} requests in flight", "rate_limit_exceeded").ExecuteAsync(http);
            return;
        }
        try
        {
            JsonNode? body;
            try { body = await JsonNode.ParseAsync(http.Request.Body); }
            catch (Microsoft.AspNetCore.Http.BadHttpRequestException e) when (e.StatusCode == 413) { await Error(413, $"request over {_options.MaxRequestBytes} bytes", "invalid_request_error").ExecuteAsync(http); return; }
            catch (JsonException e) { await Error(400, "request body is not JSON: " + e.Message, "invalid_request_error").ExecuteAsync(http); return; }
            if (body?["messages"] is not JsonArray messages || messages.Count == 0) { await Error(400, "'messages' must be a non-empty array", "invalid_request_error").ExecuteAsync(http); return; }
            var texts = messages.Select(m => (Role: m?["role"]?.GetValue<string>() ?? "", Text: ContentText(m?["content"]))).ToList();
            string lastUser = texts.LastOrDefault(t => t.Role == "user").Text ?? "";
            string all = string.Join("\n", texts.Select(t => t.Text));
            double temperature;
            int n, maxTokens;
            ulong seed;
            bool stream;
            try
            {
                temperature = Math.Clamp(body["temperature"]?.GetValue<double>() ?? 0, 0, 5);
                n = Math.Clamp(body["n"]?.GetValue<int>() ?? 1, 1, 16);
                maxTokens = Math.Clamp(body["max_tokens"]?.GetValue<int>() ?? body["max_completion_tokens"]?.GetValue<int>() ?? _options.MaxTokens, 1, _model.Config.Context);
                seed = (ulong)(body["seed"]?.GetValue<long>() ?? 1);
                stream = body["stream"]?.GetValue<bool>() ?? false;
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException)
            {
                await Error(400, "a parameter has the wrong type: " + e.Message, "invalid_request_error").ExecuteAsync(http);
                return;
            }
            bool asm = AsmAsked().IsMatch(all);
            var target = TargetOf(all);

            var replies = new List<(string Content, int Completion)>();
            int promptTokens = 0;
            // A repair round's last message is feedback without code: the function is the one the
            // conversation asked for, so a sampled reply is a fresh try at it.
            string? source = LastCBlock(lastUser) ?? LastCBlock(string.Join("\n", texts.Where(t => t.Role == "user").Select(t => t.Text)));
            if (source is null)
                replies.AddRange(Enumerable.Repeat(("The built-in model translates C source into machine code; this request holds no ```c block to translate.", 0), n));
            else
            {
                var prompt = Tokenizer.Prompt(source, target);
                promptTokens = prompt.Length;
                if (prompt.Length >= _model.Config.Context)
                    replies.AddRange(Enumerable.Repeat(($"The C source is {prompt.Length} tokens; the model's context is {_model.Config.Context}.", 0), n));
                else
                {
                    IReadOnlyList<Neural.Decoder.Output> outs;
                    lock (_modelGate)
                        outs = new Neural.Decoder(_model).Generate([.. Enumerable.Repeat(prompt, n)],
                            [.. Enumerable.Range(0, n).Select(i => new SamplingOptions(temperature, maxTokens, Tasks.SplitMix64.SeedFrom(seed, i)))]);
                    foreach (var o in outs)
                        replies.Add((asm ? $"```asm\n{AsmText.Render(o.Bytes, target.Isa.Name)}```" : $"```hex\n{Hex(o.Bytes)}\n```", o.GeneratedTokens));
                }
            }
            string id = "chatcmpl-" + Guid.NewGuid().ToString("N")[..24];
            long created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            if (stream) { await StreamAsync(http, id, created, replies); return; }
            var choices = new JsonArray();
            for (int i = 0; i < replies.Count; i++)
                choices.Add(new JsonObject { ["index"] = i, ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = replies[i].Content }, ["finish_reason"] = "stop" });
            int completion = replies.Sum(r => r.Completion);
            await Results.Json(new JsonObject
            {
                ["id"] = id, ["object"] = "chat.completion", ["created"] = created, ["model"] = _options.ModelName, ["choices"] = choices,
                ["usage"] = new JsonObject { ["prompt_tokens"] = promptTokens, ["completion_tokens"] = completion, ["total_tokens"] = promptTokens + completion },
            }).ExecuteAsync(http);
        }
        finally { _inFlight.Release(); }
    }

    /// <summary>Server-sent events in the OpenAI shape: a role chunk, the content a line at a
    /// time, a finish chunk per choice, then [DONE].</summary>
    private async Task StreamAsync(HttpContext http, string id, long created, List<(string Content, int Completion)> replies)
    {
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        async Task Send(JsonObject delta, int index, string? finish)
        {
            var chunk = new JsonObject
            {
                ["id"] = id, ["object"] = "chat.completion.chunk", ["created"] = created, ["model"] = _options.ModelName,
                ["choices"] = new JsonArray(new JsonObject { ["index"] = index, ["delta"] = delta, ["finish_reason"] = finish }),
            };
            await http.Response.WriteAsync("data: " + chunk.ToJsonString() + "\n\n");
            await http.Response.Body.FlushAsync();
        }
        for (int i = 0; i < replies.Count; i++)
        {
            await Send(new JsonObject { ["role"] = "assistant", ["content"] = "" }, i, null);
            foreach (var piece in Regex.Split(replies[i].Content, @"(?<=\n)"))
                if (piece.Length > 0) await Send(new JsonObject { ["content"] = piece }, i, null);
            await Send(new JsonObject(), i, "stop");
        }
        await http.Response.WriteAsync("data: [DONE]\n\n");
    }

    private static string ContentText(JsonNode? content) => content switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonArray parts => string.Join("\n", parts.Select(p => p?["text"]?.GetValue<string>()).Where(t => t is not null)),
        _ => "",
    };

    private Target TargetOf(string text)
    {
        foreach (Match m in TargetLine().Matches(text))
            if (_training.Targets.Contains(m.Groups[1].Value)) return Target.Parse(m.Groups[1].Value);
        return Target.Parse(_training.Targets[0]);
    }

    private static string? LastCBlock(string text)
    {
        var blocks = CBlock().Matches(text);
        return blocks.Count == 0 ? null : blocks[^1].Groups[1].Value;
    }

    private static string Hex(byte[] bytes) => string.Join(' ', bytes.Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));

    [GeneratedRegex(@"```c\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CBlock();

    [GeneratedRegex(@"Target: ([\w]+/[\w]+/-O\d)")]
    private static partial Regex TargetLine();

    [GeneratedRegex(@"Output format: asm\b")]
    private static partial Regex AsmAsked();
}

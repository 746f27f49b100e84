using System.ClientModel;
using System.ClientModel.Primitives;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.AI;
using OpenAI;
using Sourceless.Artifacts;
using Sourceless.Harness;
using Sourceless.Targets;

namespace Sourceless.Contenders.Llm;

/// <summary>
/// Any model behind the OpenAI-compatible chat completions API, through Microsoft.Extensions.AI's
/// IChatClient: "llm:URL#hex" (it writes the bytes), "#asm" (assembly, assembled by the target's
/// GNU as and linked like a compiler's object) or "#c" (C, built by the real compiler: the essay's
/// real path forward). Each request is one row of model_requests (attempt, status, latency,
/// tokens, reply). 429 and 5xx, timeouts and refused connections are retried with exponential
/// backoff (Retry-After when the server gives it); what still fails, and a reply with nothing
/// usable in it, is a failed generation with its reason, never a crash.
/// </summary>
public sealed class LlmContender : IContender, Search.IRepairable
{
    /// <summary>"llm:URL#hex|asm|c": any OpenAI-compatible endpoint, in one of three modes.</summary>
    public sealed class Kind : IContenderKind
    {
        public const string Word = "llm";
        public string Prefix => Word;
        public string Syntax => "llm:URL#hex|asm|c";
        public string Help => "any OpenAI-compatible model at URL, writing hex bytes, assembly or C (options: --llm-*)";
        public bool Matches(string name) => name.StartsWith(Word + ":", StringComparison.Ordinal);
        public string Canonical(string name) => LlmSettings.CanonicalName(name);
        public IReadOnlyList<string> Strategies(string canonical) => [Search.SearchStrategy.Best, Search.SearchStrategy.Repair];
        public IContender Create(string canonical, ContenderContext context) =>
            new LlmContender(canonical, LlmSettings.FromJson(context.SettingsOf(Word)), context.Services, context.CacheDir);

        // The options are made once per kind (a command may hold an option only once).
        private readonly LlmOptions _options = new();
        public IReadOnlyList<System.CommandLine.Option> Options => _options.All;
        public string? ReadOptions(System.CommandLine.ParseResult result) => _options.Read(result).ToJson();
    }

    private readonly Uri _endpoint;
    private readonly LlmMode _mode;
    private readonly LlmSettings _settings;
    private readonly ContenderServices _services;
    private readonly PromptTemplate _template;
    private readonly FewShot _fewShot;
    private readonly SemaphoreSlim _slots;
    private readonly Lazy<IChatClient> _client;
    private readonly string _baseName, _cacheDir;

    public LlmContender(string name, LlmSettings settings, ContenderServices services, string cacheDir)
    {
        (_endpoint, _mode) = LlmSettings.ParseName(name);
        _baseName = LlmSettings.CanonicalName(name);
        _cacheDir = cacheDir;
        _settings = settings;
        _services = services;
        _template = PromptTemplate.Load(_mode);
        _fewShot = new FewShot(cacheDir, services.Tools);
        _slots = new SemaphoreSlim(settings.Concurrency, settings.Concurrency);
        _client = new Lazy<IChatClient>(CreateClient);
    }

    public string Name => RepairRounds > 0 ? _baseName + new Search.SearchStrategy(Search.SearchStrategy.Repair, RepairRounds).Suffix : _baseName;

    public LlmMode Mode => _mode;

    /// <summary>Rounds of repair after the first reply (<c>@repair:N</c>): a reply that does not
    /// build, or builds code that fails a visible case, goes back to the model with the error or
    /// the failing case in the same conversation. 0: one reply, as asked.</summary>
    public int RepairRounds { get; private init; }

    public IContender WithRepair(int rounds) =>
        new LlmContender(_baseName, _settings, _services, _cacheDir) { RepairRounds = rounds, StopWhenNoServer = StopWhenNoServer };

    /// <summary>When the first request is refused (no server at the URL), throw
    /// <see cref="EndpointRefusedException"/> at once instead of retrying: right for a one-shot
    /// command like make, where the user is waiting and has probably not started the server. A
    /// trial keeps retrying, since a refusal there can be a server restarting mid-run.</summary>
    public bool StopWhenNoServer { get; init; }

    // Set once any request got an HTTP answer: a refusal after that is a server gone away, not absent.
    private volatile bool _answered;

    public string Description => $"{_settings.Model} at {_endpoint} asked for {_mode switch { LlmMode.Hex => "machine code as hex", LlmMode.Asm => "assembly (GNU as builds it)", _ => "C (the real compiler builds it)" }}, prompt {_template.Version}";

    public bool Serves(Target target) => true;

    private IChatClient CreateClient()
    {
        // The key is read here, from the variable the user named; it goes into the Authorization
        // header and nowhere else. Local servers need none, but the client requires a value.
        string key = Environment.GetEnvironmentVariable(_settings.ApiKeyEnv) is { Length: > 0 } k ? k : "no-key";
        var options = new OpenAIClientOptions
        {
            Endpoint = _endpoint,
            RetryPolicy = new ClientRetryPolicy(0), // retries are ours, so each attempt is a stored row
            NetworkTimeout = TimeSpan.FromSeconds(_settings.TimeoutSeconds + 5),
        };
        return new OpenAI.Chat.ChatClient(_settings.Model, new ApiKeyCredential(key), options).AsIChatClient();
    }

    public async Task<Generation> GenerateAsync(GenerationRequest request, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        string? source = request.Version.ReferencePath is { Length: > 0 } p && File.Exists(p) ? await File.ReadAllTextAsync(p, ct) : null;
        var messages = await MessagesAsync(request.Task.Header, request.Version.Spec, source, request.Target, ct, request.Visible?.Text);
        var options = new ChatOptions
        {
            Temperature = (float)_settings.Temperature,
            MaxOutputTokens = _settings.MaxTokens,
            ModelId = _settings.Model,
            // The seed of the contender without its strategy: round 0 of a repair is the plain reply.
            Seed = (long)(request.SeedFor(_baseName) & long.MaxValue),
        };
        if (RepairRounds == 0 || request.Visible is null)
        {
            var (reply, requests, failure) = await AskAsync(messages, options, ct);
            if (reply is null) return Generation.Failed(failure!, sw, []) with { Requests = requests };
            var g = await BuildAsync(reply, request, sw, ct);
            return g with { Requests = requests };
        }
        return await RepairAsync(request, messages, options, sw, ct);
    }

    /// <summary>The repair loop: ask, build, run the visible cases; on a failure, send the error or
    /// the failing case back in the same conversation (prompts' repair-build and repair-test
    /// sections), up to <see cref="RepairRounds"/> more times. Kept: the first candidate that passes
    /// every visible case, else the one that passed most (the earliest on a tie). A conversation
    /// whose replies together pass --llm-max-tokens stops there, with that reason stored.</summary>
    private async Task<Generation> RepairAsync(GenerationRequest request, List<ChatMessage> messages, ChatOptions options, Stopwatch sw, CancellationToken ct)
    {
        var visible = request.Visible!;
        var requests = new List<ModelRequest>();
        var log = new Search.CandidateLog(Search.SearchStrategy.Repair);
        var invocations = new List<Tools.Invocation>();
        long replyTokens = 0;
        for (int round = 0; round <= RepairRounds; round++)
        {
            var one = Stopwatch.StartNew();
            var (reply, asked, failure) = await AskAsync(messages, options, ct);
            requests.AddRange(asked.Select(r => r with { Round = round }));
            if (reply is null)
            {
                // The endpoint gave no reply after its retries: the conversation cannot go on.
                log.Failed(round, failure, one.Elapsed.TotalMilliseconds);
                break;
            }
            string work = Path.Combine(request.WorkFolder, $"round-{round}");
            Directory.CreateDirectory(work);
            var g = await BuildAsync(reply, request with { WorkFolder = work }, one, ct);
            invocations.AddRange(g.Invocations);
            string section, feedback;
            if (g.Artifact is null)
            {
                log.Failed(round, g.Failure, g.LatencyMs);
                // The model sees its file as model.c (model.s), not the run folder's path: the
                // same conversation in every run folder, and no host paths sent out.
                (section, feedback) = ("repair-build", g.Failure!.Replace(work + Path.DirectorySeparatorChar, "", StringComparison.Ordinal));
            }
            else
            {
                var run = await visible.RunAsync(g.Artifact.Code, request.Target.Isa, ct);
                if (log.Checked(round, g.Artifact, run, g.LatencyMs)) break;
                (section, feedback) = ("repair-test", run.Feedback);
            }
            if (round == RepairRounds) break;
            replyTokens += asked[^1].CompletionTokens ?? 0;
            if (replyTokens > _settings.MaxTokens)
            {
                log.StoppedBecause($"repair stopped: the conversation's replies are {replyTokens} tokens, past --llm-max-tokens {_settings.MaxTokens}");
                break;
            }
            messages.Add(new ChatMessage(ChatRole.Assistant, reply));
            messages.Add(new ChatMessage(ChatRole.User, _template.Has(section)
                ? _template.Render(section, new Dictionary<string, string?> { ["error"] = feedback, ["target"] = request.Target.Id })
                : feedback));
        }
        return log.Finish(Name, sw, invocations, requests, $"no round of {log.Count} built an artifact");
    }

    /// <summary>The chat: system instructions, one worked example as a user/assistant turn, then
    /// the task (spec, types and prototype, and the reference C when there is one).</summary>
    /// <param name="examples">The visible cases, one call per line with what the harness observes
    /// (the trial's; null in <c>sourceless make</c>).</param>
    public async Task<List<ChatMessage>> MessagesAsync(string header, string spec, string? source, Target target, CancellationToken ct, string? examples = null)
    {
        var ex = await _fewShot.ForAsync(target, ct);
        var values = new Dictionary<string, string?>
        {
            ["target"] = target.Id, ["isa"] = target.Isa.Name, ["compiler"] = target.Compiler,
            ["abi"] = target.Isa.Name switch { "x86_64" => "System V AMD64 ABI", "aarch64" => "AAPCS64", _ => "RISC-V LP64D ABI" },
            ["syntax"] = target.Isa.Name == "x86_64" ? "AT&T syntax" : "GNU syntax",
            ["imports"] = string.Join(", ", _services.Linker.Imports.Symbols.Select((s, i) => $"{i} {s}")),
            ["spec"] = spec.Trim(), ["header"] = header.Trim(), ["source"] = source?.Trim(), ["examples"] = examples?.Trim(),
            ["example_source"] = ex.Source, ["example_hex"] = ex.Hex, ["example_asm"] = ex.Asm,
            ["example_prototype"] = ex.Prototype, ["example_expression"] = ex.Expression,
        };
        var messages = new List<ChatMessage> { new(ChatRole.System, _template.Render("system", values)) };
        if (_template.Has("example-user") && _template.Has("example-assistant"))
        {
            messages.Add(new ChatMessage(ChatRole.User, _template.Render("example-user", values)));
            messages.Add(new ChatMessage(ChatRole.Assistant, _template.Render("example-assistant", values)));
        }
        messages.Add(new ChatMessage(ChatRole.User, _template.Render("user", values)));
        return messages;
    }

    /// <summary>Sends the chat, retrying what a real endpoint does wrong for a while; every attempt
    /// becomes a row.</summary>
    public async Task<(string? Reply, List<ModelRequest> Requests, string? Failure)> AskAsync(List<ChatMessage> messages, ChatOptions options, CancellationToken ct)
    {
        var requests = new List<ModelRequest>();
        string endpoint = _endpoint.AbsoluteUri;
        for (int attempt = 1; ; attempt++)
        {
            TimeSpan? retryAfter = null;
            string outcome, error;
            int? status = null;
            await _slots.WaitAsync(ct);
            // Timed from here: waiting for a slot under --llm-concurrency is not the endpoint's time.
            var sw = Stopwatch.StartNew();
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromSeconds(_settings.TimeoutSeconds));
                var response = await _client.Value.GetResponseAsync(messages, options, timeout.Token);
                _answered = true;
                sw.Stop();
                string text = response.Text ?? "";
                requests.Add(new ModelRequest(attempt, endpoint, _settings.Model, _mode.ToString().ToLowerInvariant(), _template.Version, 200, "ok",
                    sw.Elapsed.TotalMilliseconds, response.Usage?.InputTokenCount, response.Usage?.OutputTokenCount, Cap(text), null));
                return (text, requests, null);
            }
            catch (ClientResultException e) when (e.Status != 0)
            {
                _answered = true;
                status = e.Status;
                outcome = e.Status == 429 ? "rate_limited" : e.Status >= 500 ? "server_error" : "client_error";
                error = $"HTTP {e.Status}: {First(e.Message)}";
                if (e.GetRawResponse()?.Headers.TryGetValue("Retry-After", out string? ra) == true
                    && double.TryParse(ra, NumberStyles.Float, CultureInfo.InvariantCulture, out double secs) && secs >= 0)
                    retryAfter = TimeSpan.FromSeconds(Math.Min(secs, 60));
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                outcome = "timed_out";
                error = $"no reply within {_settings.TimeoutSeconds.ToString(CultureInfo.InvariantCulture)} s";
            }
            catch (Exception e) when (e is HttpRequestException || e.InnerException is HttpRequestException || e is ClientResultException)
            {
                if (StopWhenNoServer && !_answered && Refused(e)) throw new EndpointRefusedException(_endpoint, e);
                outcome = "connection_failed";
                error = First((e.InnerException ?? e).Message);
            }
            catch (Exception e) when (e is System.Text.Json.JsonException || e is FormatException || e is InvalidOperationException || e is ArgumentException || e is KeyNotFoundException)
            {
                // The server answered 200 with something that is not a chat completion.
                sw.Stop();
                requests.Add(new ModelRequest(attempt, endpoint, _settings.Model, _mode.ToString().ToLowerInvariant(), _template.Version, 200, "malformed_reply",
                    sw.Elapsed.TotalMilliseconds, null, null, null, First(e.Message)));
                return (null, requests, $"the endpoint's reply is not a chat completion ({First(e.Message)})");
            }
            finally { _slots.Release(); }
            sw.Stop();
            requests.Add(new ModelRequest(attempt, endpoint, _settings.Model, _mode.ToString().ToLowerInvariant(), _template.Version, status, outcome,
                sw.Elapsed.TotalMilliseconds, null, null, null, error));
            bool transient = outcome is "rate_limited" or "server_error" or "timed_out" or "connection_failed";
            if (!transient || attempt > _settings.Retries)
                return (null, requests, $"{outcome} after {attempt} attempt{(attempt == 1 ? "" : "s")}: {error}");
            var wait = retryAfter ?? TimeSpan.FromSeconds(_settings.BackoffSeconds * Math.Pow(2, attempt - 1));
            await Task.Delay(wait < TimeSpan.FromSeconds(30) ? wait : TimeSpan.FromSeconds(30), ct);
        }
    }

    private async Task<Generation> BuildAsync(string reply, GenerationRequest request, Stopwatch sw, CancellationToken ct)
    {
        var target = request.Target;
        switch (_mode)
        {
            case LlmMode.Hex:
            {
                var parsed = Reply.Hex(reply);
                if (parsed.Bytes is null) return Generation.Failed(parsed.Failure!, sw, []);
                if (parsed.Bytes.Length > 1 << 20) return Generation.Failed("the reply's image is over 1 MiB", sw, []);
                return Generation.Success(new Artifact(request.Task.Name, request.Version.Label, Name, target, request.Index, parsed.Bytes, null, null, []), sw, []);
            }
            case LlmMode.Asm:
            {
                var parsed = Reply.Asm(reply);
                if (parsed.Text is null) return Generation.Failed(parsed.Failure!, sw, []);
                string name = request.Task.Signature.Name, file = Path.Combine(request.WorkFolder, "model.s"), obj = Path.Combine(request.WorkFolder, "model.o");
                string type = target.Isa.Name == "aarch64" ? "%function" : "@function";
                await File.WriteAllTextAsync(file, $"\t.text\n\t.globl {name}\n\t.type {name}, {type}\n{name}:\n{parsed.Text}\n\t.size {name}, .-{name}\n", ct);
                var asm = await _services.Untrusted.RunAsync(target.Isa.Gcc, ["-c", file, "-o", obj], request.WorkFolder, [], ct);
                if (!asm.Succeeded) return Generation.Failed("assemble: " + asm.ErrorSummary(), sw, [asm.Invocation]);
                return await LinkAsync(request, obj, null, sw, [asm.Invocation], ct);
            }
            default:
            {
                var parsed = Reply.C(reply);
                if (parsed.Text is null) return Generation.Failed(parsed.Failure!, sw, []);
                string file = Path.Combine(request.WorkFolder, "model.c"), obj = Path.Combine(request.WorkFolder, "model.o");
                await File.WriteAllTextAsync(file, parsed.Text, ct);
                var (tool, _) = Toolchain.Compiler(target.Compiler, target.Isa);
                // The task's header and libdep's headers only: the header folder also holds the
                // driver source (every test input), which the model's #include must not reach.
                string header = Path.Combine(request.HeaderFolder, "task.h");
                var compile = await _services.Untrusted.RunAsync(tool, Toolchain.CompileArgs(target, file, obj, [request.HeaderFolder, SourcelessHome.LibDepDir]),
                    request.WorkFolder, [header, SourcelessHome.LibDepDir], ct);
                if (!compile.Succeeded) return Generation.Failed("compile: " + compile.ErrorSummary(), sw, [compile.Invocation]);
                return await LinkAsync(request, obj, ArtifactSource.Compose(request.Task.Header, "model.c", parsed.Text), sw, [compile.Invocation], ct);
            }
        }
    }

    private async Task<Generation> LinkAsync(GenerationRequest request, string obj, string? source, Stopwatch sw, IReadOnlyList<Tools.Invocation> before, CancellationToken ct)
    {
        var link = await _services.Linker.LinkAsync(request.Target.Isa, obj, request.Task.Signature.Name, request.WorkFolder, ct);
        if (link.Image is null) return Generation.Failed(link.Failure!, sw, [.. before, .. link.Invocations]);
        var artifact = new Artifact(request.Task.Name, request.Version.Label, Name, request.Target, request.Index, link.Image,
            source, await File.ReadAllBytesAsync(obj, ct), link.Dependencies, link.DebugImage);
        return Generation.Success(artifact, sw, [.. before, .. link.Invocations]);
    }

    private static bool Refused(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
            if (x is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused }) return true;
        return false;
    }

    private static string First(string message) => message.Split('\n')[0].Trim();

    private static string Cap(string text) => text.Length <= 65536 ? text : text[..65536];
}

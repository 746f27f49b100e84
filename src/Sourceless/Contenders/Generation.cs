using System.Diagnostics;
using Sourceless.Artifacts;
using Sourceless.Harness;
using Sourceless.Tasks;
using Sourceless.Targets;
using Sourceless.Tools;

namespace Sourceless.Contenders;

/// <summary>What a contender is given: the task (spec, signature, source), the version, the
/// target, which of k generations this is, the trial seed, and a private folder to work in. It
/// is never given the tests.</summary>
public sealed record GenerationRequest(
    TaskDefinition Task,
    TaskVersion Version,
    Target Target,
    int Index,
    ulong Seed,
    string HeaderFolder,
    string WorkFolder);

/// <summary>The result of one generation: an artifact, or the reason there is none. Latency is
/// the wall time from request to artifact.</summary>
public sealed record Generation(Artifact? Artifact, string? Failure, double LatencyMs, IReadOnlyList<Invocation> Invocations)
{
    /// <summary>Requests to a model endpoint behind this generation (llm contenders), each stored
    /// as a row of model_requests: tokens, latency, status, retries, the reply.</summary>
    public IReadOnlyList<ModelRequest> Requests { get; init; } = [];

    public static Generation Success(Artifact a, Stopwatch sw, IReadOnlyList<Invocation> inv) => new(a, null, sw.Elapsed.TotalMilliseconds, inv);
    public static Generation Failed(string why, Stopwatch sw, IReadOnlyList<Invocation> inv) => new(null, why, sw.Elapsed.TotalMilliseconds, inv);
}

/// <summary>Services contenders share.</summary>
/// <param name="Untrusted">Builds of model-written text (assembly, C), inside the sandbox.</param>
public sealed record ContenderServices(ToolRunner Tools, FlatImageLinker Linker, HarnessBuilder Harness, Sandbox.UntrustedBuild Untrusted);

/// <summary>One HTTP request to a model endpoint: which attempt, what came back, how long it took
/// and what it cost in tokens. The API key is never part of it.</summary>
public sealed record ModelRequest(int Attempt, string Endpoint, string Model, string Mode, string PromptVersion, int? Status, string Outcome,
    double LatencyMs, long? PromptTokens, long? CompletionTokens, string? Reply, string? Error);

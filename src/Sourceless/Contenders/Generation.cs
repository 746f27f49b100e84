using System.Diagnostics;
using Sourceless.Artifacts;
using Sourceless.Harness;
using Sourceless.Tasks;
using Sourceless.Targets;
using Sourceless.Tools;

namespace Sourceless.Contenders;

/// <summary>What a contender is given: the task (spec, signature, source), the version, the
/// target, which of k generations this is, the trial seed, and a private folder to work in. It
/// is never given the hidden tests; it may be given the visible ones (<see cref="Visible"/>).</summary>
public sealed record GenerationRequest(
    TaskDefinition Task,
    TaskVersion Version,
    Target Target,
    int Index,
    ulong Seed,
    string HeaderFolder,
    string WorkFolder)
{
    /// <summary>The task's visible cases: examples to read and to run candidates on (null when the
    /// trial shows none, and in <c>sourceless make</c>).</summary>
    public VisibleTests? Visible { get; init; }

    /// <summary>Which candidate of a search this is (0 for the first, and for every contender not
    /// searching): sampling contenders draw a fresh seed for each.</summary>
    public int Sample { get; init; }

    /// <summary>The seed of this draw for a contender. Sample 0 keeps the seed a plain generation
    /// has, so a search's first candidate is the plain contender's generation.</summary>
    public ulong SeedFor(string contender) => Sample == 0
        ? SplitMix64.SeedFrom(Seed, contender, Task.Name, Version.Label, Target.Id, Index)
        : SplitMix64.SeedFrom(Seed, contender, Task.Name, Version.Label, Target.Id, Index, "sample", Sample);
}

/// <summary>The result of one generation: an artifact, or the reason there is none. Latency is
/// the wall time from request to artifact.</summary>
public sealed record Generation(Artifact? Artifact, string? Failure, double LatencyMs, IReadOnlyList<Invocation> Invocations)
{
    /// <summary>Requests to a model endpoint behind this generation (llm contenders), each stored
    /// as a row of model_requests: tokens, latency, status, retries, the reply.</summary>
    public IReadOnlyList<ModelRequest> Requests { get; init; } = [];

    /// <summary>Every candidate a search drew or a repair loop built (empty for a plain
    /// generation), each stored as a row of candidates.</summary>
    public IReadOnlyList<Candidate> Candidates { get; init; } = [];

    public static Generation Success(Artifact a, Stopwatch sw, IReadOnlyList<Invocation> inv) => new(a, null, sw.Elapsed.TotalMilliseconds, inv);
    public static Generation Failed(string why, Stopwatch sw, IReadOnlyList<Invocation> inv) => new(null, why, sw.Elapsed.TotalMilliseconds, inv);
}

/// <summary>Services contenders share.</summary>
/// <param name="Untrusted">Builds of model-written text (assembly, C), inside the sandbox.</param>
public sealed record ContenderServices(ToolRunner Tools, FlatImageLinker Linker, HarnessBuilder Harness, Sandbox.UntrustedBuild Untrusted);

/// <summary>One candidate of a search (<c>@best:K</c>: draw <see cref="Seq"/>) or a repair loop
/// (<c>@repair:N</c>: round <see cref="Seq"/>): its bytes (null when it gave none, with
/// <see cref="Failure"/>), its run on the visible cases, whether it was kept, and the time to make
/// it and to check it.</summary>
public sealed record Candidate(int Seq, string Strategy, byte[]? Code, string? Failure, Sandbox.Outcome? Visible, bool Chosen,
    double GenerateMs, double CheckMs);

/// <summary>One HTTP request to a model endpoint: which attempt, what came back, how long it took
/// and what it cost in tokens. The API key is never part of it.</summary>
public sealed record ModelRequest(int Attempt, string Endpoint, string Model, string Mode, string PromptVersion, int? Status, string Outcome,
    double LatencyMs, long? PromptTokens, long? CompletionTokens, string? Reply, string? Error)
{
    /// <summary>The round of a repair conversation this request belongs to (0: the first ask).</summary>
    public int Round { get; init; }
}

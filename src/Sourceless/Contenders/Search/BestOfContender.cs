using System.Diagnostics;
using Sourceless.Targets;

namespace Sourceless.Contenders.Search;

/// <summary>
/// <c>@best:K</c> around a sampling contender (AlphaCode-style filtering, pass@k made into one
/// artifact): candidates are drawn one at a time with fresh seeds, each runs on the task's visible
/// cases in the sandbox, and the first that passes them all is kept; when none does, the one that
/// passed most (the earliest on a tie). The first candidate is the plain contender's generation,
/// so the search can only add. Every candidate is stored (<see cref="Generation.Candidates"/>) and
/// the generation's latency is the whole search.
/// </summary>
public sealed class BestOfContender(IContender inner, int k) : IContender
{
    public IContender Inner => inner;
    public int K => k;

    public string Name => inner.Name + new SearchStrategy(SearchStrategy.Best, k).Suffix;

    public string Description => $"{inner.Description}; best of up to {k} candidates on the visible cases";

    public bool Serves(Target target) => inner.Serves(target);

    private static string CandidateFolder(GenerationRequest request, int j)
    {
        string work = Path.Combine(request.WorkFolder, $"candidate-{j}");
        Directory.CreateDirectory(work);
        return work;
    }

    public async Task<Generation> GenerateAsync(GenerationRequest request, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        if (request.Visible is not { Cases.Count: > 0 } visible)
        {
            // A task with a single case has none to show (imported tasks can): nothing to choose
            // by, so the plain draw is the artifact, stored as the one candidate.
            var plain = await inner.GenerateAsync(request, ct);
            var only = new Candidate(0, SearchStrategy.Best, plain.Artifact?.Code, plain.Failure, null, plain.Artifact is not null, plain.LatencyMs, 0);
            return (plain.Artifact is null ? plain : plain with { Artifact = plain.Artifact with { Contender = Name } }) with { Candidates = [only] };
        }
        var log = new CandidateLog(SearchStrategy.Best);
        var invocations = new List<Tools.Invocation>();
        var requests = new List<ModelRequest>();
        // A sampler draws in batches that double (1, 2, 4, ...): cheap when an early candidate
        // passes, near a whole batch's price when none does. The candidates are the same either way;
        // those a batch drew past the kept one are not stored (a one-at-a-time search never drew
        // them), and their time is in the latency.
        var drawn = new Queue<(Generation Gen, double Ms)>();
        int next = 0, batch = 1;
        for (int j = 0; j < k; j++)
        {
            if (drawn.Count == 0)
            {
                int n = inner is ISampler ? Math.Min(batch, k - next) : 1;
                var one = Stopwatch.StartNew();
                var gens = inner is ISampler sampler && n > 1
                    ? await sampler.SampleAsync(request with { Sample = next }, [.. Enumerable.Range(next, n)], ct)
                    : [await inner.GenerateAsync(request with { Sample = next, WorkFolder = CandidateFolder(request, next) }, ct)];
                foreach (var made in gens) drawn.Enqueue((made, one.Elapsed.TotalMilliseconds / gens.Count));
                next += n;
                batch *= 2;
            }
            var (g, generateMs) = drawn.Dequeue();
            invocations.AddRange(g.Invocations);
            requests.AddRange(g.Requests.Select(r => r with { Round = j }));
            if (g.Artifact is null) log.Failed(j, g.Failure, generateMs);
            else if (log.Checked(j, g.Artifact, await visible.RunAsync(g.Artifact.Code, request.Target.Isa, ct), generateMs)) break;
        }
        return log.Finish(Name, sw, invocations, requests, $"none of {log.Count} candidates gave an artifact");
    }
}

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
        var candidates = new List<Candidate>();
        var invocations = new List<Tools.Invocation>();
        var requests = new List<ModelRequest>();
        (Artifacts.Artifact Artifact, int Passed, int Seq)? best = null;
        string? lastFailure = null;
        // A sampler draws in batches that double (1, 2, 4, ...): cheap when an early candidate
        // passes, near a whole batch's price when none does. The candidates are the same either way.
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
            if (g.Artifact is null)
            {
                lastFailure = g.Failure;
                candidates.Add(new Candidate(j, SearchStrategy.Best, null, g.Failure, null, false, generateMs, 0));
                continue;
            }
            var run = await visible.RunAsync(g.Artifact.Code, request.Target.Isa, ct);
            candidates.Add(new Candidate(j, SearchStrategy.Best, g.Artifact.Code, null, run.Outcome, false, generateMs, run.WallMs));
            // A pass is kept even when an earlier candidate passed as many cases and then crashed.
            if (best is null || run.Passed || run.Outcome.CasesPassed > best.Value.Passed) best = (g.Artifact, run.Outcome.CasesPassed, j);
            if (run.Passed) break;
        }
        sw.Stop();
        // Candidates a batch drew past the kept one are not stored (a one-at-a-time search never
        // drew them); their time is in the latency.
        if (best is not { } kept)
            return Generation.Failed($"none of {candidates.Count} candidates gave an artifact; the last: {lastFailure}", sw, invocations)
                with { Requests = requests, Candidates = candidates };
        candidates[kept.Seq] = candidates[kept.Seq] with { Chosen = true };
        // The kept artifact is this contender's: its name, not the inner one's, is in every row.
        var artifact = kept.Artifact with { Contender = Name, Generation = request.Index };
        return Generation.Success(artifact, sw, invocations) with { Requests = requests, Candidates = candidates };
    }
}

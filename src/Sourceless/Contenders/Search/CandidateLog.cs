using System.Diagnostics;
using Sourceless.Artifacts;
using Sourceless.Harness;

namespace Sourceless.Contenders.Search;

/// <summary>
/// The candidates of one search (<c>@best:K</c>) or repair loop (<c>@repair:N</c>), in the order
/// they were made, and the rule both keep one by: the first that passes every visible case, else
/// the one that passed most, the earliest on a tie. <c>SearchExperiment.Curve</c> replays the same
/// rule on the stored rows.
/// </summary>
public sealed class CandidateLog(string strategy)
{
    private readonly List<Candidate> _candidates = [];
    private (Artifact Artifact, int Passed, int Index)? _best;
    private string? _lastFailure;

    public int Count => _candidates.Count;

    /// <summary>A candidate that gave no bytes.</summary>
    public void Failed(int seq, string? failure, double generateMs)
    {
        _lastFailure = failure;
        _candidates.Add(new Candidate(seq, strategy, null, failure, null, false, generateMs, 0));
    }

    /// <summary>A candidate run on the visible cases; true when it passed them all (the search stops).</summary>
    public bool Checked(int seq, Artifact artifact, VisibleResult run, double generateMs)
    {
        _candidates.Add(new Candidate(seq, strategy, artifact.Code, null, run.Outcome, false, generateMs, run.WallMs));
        // A pass is kept even when an earlier candidate passed as many cases and then crashed.
        if (_best is null || run.Passed || run.Outcome.CasesPassed > _best.Value.Passed)
            _best = (artifact, run.Outcome.CasesPassed, _candidates.Count - 1);
        return run.Passed;
    }

    /// <summary>Adds why the loop stopped to the last candidate's failure.</summary>
    public void StoppedBecause(string why) =>
        _candidates[^1] = _candidates[^1] with { Failure = _candidates[^1].Failure is { } f ? $"{f}; {why}" : why };

    /// <summary>The generation: the kept candidate's artifact under the searching contender's name,
    /// or the failure <paramref name="none"/> with the last reason; every candidate goes with it.</summary>
    public Generation Finish(string contender, Stopwatch sw, IReadOnlyList<Tools.Invocation> invocations, IReadOnlyList<ModelRequest> requests, string none)
    {
        sw.Stop();
        if (_best is not { } kept)
            return Generation.Failed($"{none}; the last: {_lastFailure}", sw, invocations) with { Requests = requests, Candidates = _candidates };
        _candidates[kept.Index] = _candidates[kept.Index] with { Chosen = true };
        // The kept artifact is this contender's: its name, not the inner one's, is in every row.
        return Generation.Success(kept.Artifact with { Contender = contender }, sw, invocations) with { Requests = requests, Candidates = _candidates };
    }
}

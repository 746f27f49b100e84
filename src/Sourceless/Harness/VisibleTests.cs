using Sourceless.Sandbox;
using Sourceless.Targets;
using Sourceless.Tasks;

namespace Sourceless.Harness;

/// <summary>
/// A task version's visible cases, as an AI contender may use them: read them as examples, and run
/// a candidate's bytes on them in the sandbox (the same driver and checks as the hidden tests,
/// through <see cref="ArtifactRunner"/>). Nothing here reaches the hidden cases.
/// </summary>
public sealed class VisibleTests(TestPlan plan, ArtifactRunner runner)
{
    public IReadOnlyList<TestCase> Cases => plan.Cases;

    /// <summary>One case as a call and what the harness observes after it, e.g. "add_sat(3, 4) -> 7".</summary>
    public string Describe(TestCase c) =>
        $"{plan.Task.Signature.Name}({c.ArgumentText}) -> {c.Expected}";

    /// <summary>The examples, one per line.</summary>
    public string Text => string.Join("\n", Cases.Select(Describe));

    /// <summary>Runs a candidate image on the visible cases; the outcome and a message that says, in
    /// the terms of the examples, what went wrong (for a repair round).</summary>
    public async Task<VisibleResult> RunAsync(byte[] code, Isa isa, CancellationToken ct)
    {
        var exec = await runner.RunBareAsync(plan, isa, code, ct);
        return new VisibleResult(exec.Outcome, Feedback(exec.Outcome), exec.Raw.WallMs);
    }

    private string Feedback(Outcome o)
    {
        if (o.Passed) return "";
        // The classifier names the first failing case by its index in this plan: say it as the call.
        var m = System.Text.RegularExpressions.Regex.Match(o.Detail, @"case (\d+)");
        string call = m.Success && int.TryParse(m.Groups[1].Value, out int i) && i < Cases.Count
            ? $"{plan.Task.Signature.Name}({Cases[i].ArgumentText})" : "";
        // No wall-clock figures: the same failure reads the same in every run.
        string detail = o.Kind == OutcomeKind.TimedOut ? "did not finish within the time limit" : o.Detail;
        return o.Kind switch
        {
            OutcomeKind.WrongOutput when call != "" && o.Detail.Contains("expected", StringComparison.Ordinal) =>
                $"{call}: {o.Detail[(m.Index + m.Length)..].TrimStart(':', ' ')} ({o.CasesPassed} of {o.CasesTotal} examples passed)",
            _ => $"{Outcome.Text(o.Kind)}: {detail}{(call != "" ? $" (the call {call})" : "")} ({o.CasesPassed} of {o.CasesTotal} examples passed)",
        };
    }
}

/// <summary>A candidate's run on the visible cases.</summary>
public sealed record VisibleResult(Outcome Outcome, string Feedback, double WallMs)
{
    public bool Passed => Outcome.Passed;
}

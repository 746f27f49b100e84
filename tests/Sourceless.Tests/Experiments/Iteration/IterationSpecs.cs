using Sourceless.Experiments.Iteration;
using Sourceless.Sandbox;
using Sourceless.Targets;
using Sourceless.Tests.Support;
using Sourceless.Trials;

namespace Sourceless.Tests.Experiments.Iteration;

/// <summary>Experiment 1 on planted cases: the change plan, an artifact that ignored the change
/// request, and the edit measured in the contender's own unit.</summary>
public sealed class IterationSpecs : IDisposable
{
    private readonly TempFolder _tmp = new("sl-iter");
    private readonly TrialServices _services;

    public IterationSpecs() => _services = new TrialServices(_tmp.Sub("work"), 2);

    public void Dispose() => _tmp.Dispose();

    [Fact(Timeout = 180_000)]
    public async Task The_unchanged_v1_artifact_keeps_v1_behaviour_but_fails_the_change_and_the_v2_build_passes_both()
    {
        var ct = TestContext.Current.CancellationToken;
        var target = new Target(Isa.X86_64, "gcc", "-O2");
        var (v1Plan, v1) = await Compiled.BuildAsync(_services, "add_sat", "v1", target, ct);
        var (_, v2) = await Compiled.BuildAsync(_services, "add_sat", "v2", target, ct);
        var change = await _services.Planner.ChangePlanAsync(v1Plan, 1, ct);

        // add_sat v2 saturates to -INT_MAX: the v1 cases that hit INT_MIN change, the rest are kept.
        var kept = change.Cases.Where(c => c.Kind == "kept").ToList();
        var changed = change.Cases.Where(c => c.Kind == "changed").ToList();
        Assert.NotEmpty(kept);
        Assert.NotEmpty(changed);
        Assert.All(changed, c => Assert.Equal("-2147483647", c.Expected));
        Assert.All(kept, c => Assert.Equal(v1Plan.Cases[c.Index - (change.Cases.Count - v1Plan.Cases.Count)].Expected, c.Expected));

        var stale = DriverReport.Parse((await _services.Runner.RunBareAsync(change, Isa.X86_64, v1.Code, ct)).Raw.StandardOutput);
        Assert.All(kept, c => Assert.Equal(c.Expected, stale.Cases[c.Index]));
        Assert.Contains(change.Cases.Where(c => c.Kind is not ("kept" or "changed")), c => stale.Cases[c.Index] != c.Expected);

        var rebuilt = await _services.Runner.RunBareAsync(change, Isa.X86_64, v2.Code, ct);
        Assert.Equal(OutcomeKind.Passed, rebuilt.Outcome.Kind);
    }

    [Fact(Timeout = 180_000)]
    public async Task The_edit_is_counted_in_source_lines_with_source_and_in_bytes_without()
    {
        var ct = TestContext.Current.CancellationToken;
        var target = new Target(Isa.X86_64, "gcc", "-O2");
        var (_, v1) = await Compiled.BuildAsync(_services, "add_sat", "v1", target, ct);
        var (_, v2) = await Compiled.BuildAsync(_services, "add_sat", "v2", target, ct);
        var (unit, changed, total) = IterationExperiment.EditSize(v1, v2);
        Assert.Equal("source lines", unit);
        Assert.InRange(changed!.Value, 2, total!.Value / 2);
        var (byteUnit, byteChanged, byteTotal) = IterationExperiment.EditSize(v1.BytesOnly(), v2.BytesOnly());
        Assert.Equal("bytes", byteUnit);
        Assert.Equal(v1.Code.Length + v2.Code.Length, byteTotal);
        Assert.InRange(byteChanged!.Value, 1, byteTotal!.Value);
        Assert.Equal(0, IterationExperiment.EditSize(v1.BytesOnly(), v1.BytesOnly()).Changed);
    }
}

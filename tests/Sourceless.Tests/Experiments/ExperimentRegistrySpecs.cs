using Sourceless.Experiments;
using Sourceless.Store;
using Sourceless.Trials;

namespace Sourceless.Tests.Experiments;

/// <summary>The runner orders experiments from what they declare they read, not from a comment.</summary>
[Trait(Quick.Trait, Quick.Value)]
public sealed class ExperimentRegistrySpecs
{
    [Fact]
    public void Every_experiment_runs_after_the_ones_whose_rows_it_reads()
    {
        var order = ExperimentRegistry.Ordered.Select(e => e.Id).ToList();
        Assert.Equal(ExperimentRegistry.All.Count, order.Distinct().Count());
        foreach (var e in ExperimentRegistry.All)
            foreach (var read in e.Reads)
                Assert.True(order.IndexOf(read) < order.IndexOf(e.Id), $"{e.Id} reads {read} but runs first");
        Assert.Contains("reliability", ExperimentRegistry.All.Single(e => e.Id == "interpretability").Reads);
    }

    /// <summary>A registration that reads in a circle: cannot happen with the real experiments, so
    /// two stand-ins that read each other show it is refused rather than run in some order.</summary>
    [Fact]
    public void A_cycle_of_reads_between_stand_in_experiments_is_refused()
    {
        var e = Assert.Throws<InvalidOperationException>(() => ExperimentRegistry.Order([new StandIn("a", "b"), new StandIn("b", "a")]));
        Assert.Contains("cycle", e.Message);
        Assert.Contains("not registered", Assert.Throws<InvalidOperationException>(() => ExperimentRegistry.Order([new StandIn("a", "zzz")])).Message);
    }

    private sealed class StandIn(string id, string reads) : IExperiment
    {
        public string Id => id;
        public Concern Concern => Concern.Reliability;
        public IReadOnlyList<string> Reads => [reads];
        public IEnumerable<WorkItem> Plan(TrialContext context) => [];
        public Task<IReadOnlyList<IRow>> RunAsync(WorkItem item, TrialContext context, CancellationToken ct) => Task.FromResult<IReadOnlyList<IRow>>([]);
        public ReportSection Report(TrialStore store, TrialSettings facts) => throw new NotSupportedException();
    }
}

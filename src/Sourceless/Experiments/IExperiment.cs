using Sourceless.Store;
using Sourceless.Trials;

namespace Sourceless.Experiments;

/// <summary>
/// An Experiment (DESIGN.md): one of the essay's concerns, measured. It plans work items over the
/// trial's artifacts, runs each (writing raw rows to the store), and later scores every contender
/// 0-100 from those rows alone. Adding one means one class here and one line in
/// <see cref="ExperimentRegistry"/>.
/// </summary>
public interface IExperiment
{
    string Id { get; }
    Concern Concern { get; }

    /// <summary>The work this experiment needs; each item is independent and resumable.</summary>
    IEnumerable<WorkItem> Plan(TrialContext context);

    Task<IReadOnlyList<ExecutionRow>> RunAsync(WorkItem item, TrialContext context, CancellationToken ct);

    /// <summary>Scores, tables and figures, computed from the stored rows only.</summary>
    ReportSection Report(TrialStore store, TrialFacts facts);
}

/// <summary>One unit of experiment work: run one artifact's tests on one ISA, for example.</summary>
public sealed record WorkItem(string Key, string ArtifactId, string Task, Targets.Target Target, Targets.Isa RunIsa, int TimeRepeats);

public static class ExperimentRegistry
{
    // Interpretability runs last: its time budgets come from the reliability runs' measured run times.
    public static IReadOnlyList<IExperiment> All { get; } = [new ReliabilityExperiment(), new PortabilityExperiment(), new InterpretabilityExperiment()];
}

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

    /// <summary>True when RunAsync stores its rows (and the item's done marker) itself, in tables
    /// of its own; otherwise the runner stores the returned execution rows.</summary>
    bool RecordsOwnRows => false;

    /// <summary>Scores, tables and figures, computed from the stored rows only.</summary>
    ReportSection Report(TrialStore store, TrialFacts facts);
}

/// <summary>One unit of experiment work: run one artifact's tests on one ISA, for example.</summary>
public sealed record WorkItem(string Key, string ArtifactId, string Task, Targets.Target Target, Targets.Isa RunIsa, int TimeRepeats)
{
    /// <summary>The usual item: one artifact of a generation slot, on its own ISA, keyed by experiment and artifact.</summary>
    public static WorkItem Of(string experiment, GenerationSlot slot, int timeRepeats = 0) =>
        new($"{experiment}|{slot.ArtifactId}", slot.ArtifactId, slot.Task.Name, slot.Target, slot.Target.Isa, timeRepeats);
}

public static class ExperimentRegistry
{
    // Interpretability runs last: its time budgets come from the reliability runs' measured run times.
    public static IReadOnlyList<IExperiment> All { get; } =
    [
        new ReliabilityExperiment(), new PortabilityExperiment(), new Iteration.IterationExperiment(), new VersionControl.VersionControlExperiment(),
        new Abstractions.AbstractionsExperiment(), new Dependencies.DependenciesExperiment(), new Security.SecurityExperiment(), new Debugging.DebuggingExperiment(), new TrainingDataExperiment(),
        new LearningCurve.LearningCurveExperiment(),
        new InterpretabilityExperiment(),
    ];
}

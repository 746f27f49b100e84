using Sourceless.Store;
using Sourceless.Trials;

namespace Sourceless.Experiments;

/// <summary>
/// An Experiment (docs/architecture.md): one of the essay's concerns, measured. It plans work items over the
/// trial's artifacts, runs each (returning its raw rows, which the runner stores), and later scores every contender
/// 0-100 from those rows alone. Adding one means one class here and one line in
/// <see cref="ExperimentRegistry"/>.
/// </summary>
public interface IExperiment
{
    string Id { get; }
    Concern Concern { get; }

    /// <summary>The work this experiment needs; each item is independent and resumable.</summary>
    IEnumerable<WorkItem> Plan(TrialContext context);

    /// <summary>Runs one item and returns its raw rows (typed records of any tables, <see cref="IRow"/>);
    /// the runner stores them with the item's done marker in one transaction, so an item is stored
    /// whole or not at all, and an item with no rows is still done.</summary>
    Task<IReadOnlyList<IRow>> RunAsync(WorkItem item, TrialContext context, CancellationToken ct);

    /// <summary>Scores, tables and figures, computed from the stored rows only.</summary>
    ReportSection Report(TrialStore store, TrialSettings facts);

    /// <summary>What a task must have for this experiment to apply to it ("a change request", "a
    /// planted vulnerability"), or null. Imported tasks have neither: the report counts them as
    /// not applicable, never as a zero.</summary>
    string? Needs => null;

    /// <summary>The experiments whose rows this one reads (while running or in its score): the
    /// runner runs those first (<see cref="ExperimentRegistry.Ordered"/>).</summary>
    IReadOnlyList<string> Reads => [];
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
    /// <summary>Every experiment, one line each: the registration (and the report's order).</summary>
    public static IReadOnlyList<IExperiment> All { get; } =
    [
        new ReliabilityExperiment(), new PortabilityExperiment(), new Iteration.IterationExperiment(), new VersionControl.VersionControlExperiment(),
        new Abstractions.AbstractionsExperiment(), new Dependencies.DependenciesExperiment(), new Security.SecurityExperiment(), new Debugging.DebuggingExperiment(), new TrainingDataExperiment(),
        new LearningCurve.LearningCurveExperiment(),
        new InterpretabilityExperiment(),
        new Search.SearchExperiment(),
    ];

    /// <summary>The order the runner runs them in: registration order, except that an experiment
    /// comes after every one it <see cref="IExperiment.Reads"/>.</summary>
    public static IReadOnlyList<IExperiment> Ordered { get; } = Order(All);

    public static IReadOnlyList<IExperiment> Order(IReadOnlyList<IExperiment> experiments)
    {
        var byId = experiments.ToDictionary(e => e.Id);
        var result = new List<IExperiment>();
        var state = new Dictionary<string, bool>(); // false: being placed, true: placed
        void Place(IExperiment e)
        {
            if (state.TryGetValue(e.Id, out bool placed))
            {
                if (!placed) throw new InvalidOperationException($"experiments read each other's rows in a cycle through '{e.Id}'");
                return;
            }
            state[e.Id] = false;
            foreach (var id in e.Reads)
                Place(byId.TryGetValue(id, out var dep) ? dep : throw new InvalidOperationException($"experiment '{e.Id}' reads '{id}', which is not registered"));
            state[e.Id] = true;
            result.Add(e);
        }
        foreach (var e in experiments) Place(e);
        return result;
    }
}

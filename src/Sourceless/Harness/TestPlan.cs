using Sourceless.Tasks;

namespace Sourceless.Harness;

/// <summary>The hidden test set of one task version (hand-picked cases then seeded random ones,
/// each with its expected observables, and the built driver source): the only cases that score.
/// A trial sets a few seeded cases apart as <see cref="Visible"/>, the examples an AI contender
/// may see and run its candidates on; they are not among <see cref="Cases"/>.</summary>
public sealed record TestPlan(TaskDefinition Task, TaskVersion Version, IReadOnlyList<TestCase> Cases, string Folder)
{
    /// <summary>The visible cases as a plan of their own (own folder and driver), or null when the
    /// trial shows none.</summary>
    public TestPlan? Visible { get; init; }

    public IReadOnlyList<string> Expected => Cases.Select(c => c.Expected ?? throw new InvalidOperationException("expected output not computed")).ToList();

    public string Key => $"{Task.Name}/{Version.Label}";
}

using Sourceless.Tasks;

namespace Sourceless.Harness;

/// <summary>The full, hidden test set of one task version: hand-picked cases then seeded random
/// ones, each with its expected observables, and the built driver source.</summary>
public sealed record TestPlan(TaskDefinition Task, TaskVersion Version, IReadOnlyList<TestCase> Cases, string Folder)
{
    public IReadOnlyList<string> Expected => Cases.Select(c => c.Expected ?? throw new InvalidOperationException("expected output not computed")).ToList();

    public string Key => $"{Task.Name}/{Version.Label}";
}

namespace Sourceless.Tasks;

/// <summary>One version of a task's behaviour: v1, or v2 after its change request.</summary>
public sealed record TaskVersion(
    string Label,
    string Spec,
    string ReferencePath,
    IReadOnlyList<TestCase> HandTests,
    RandomSpec Random);

namespace Sourceless.Tasks.Import;

/// <summary>A function that passed every check, ready to be written as a task folder.</summary>
public sealed record ImportedTask(
    string Name,
    string Origin,
    string Category,
    string Spec,
    string SpecFrom,
    FunctionShape Shape,
    string ReferenceSource,
    IReadOnlyList<(string Param, string Generator)> Generators,
    IReadOnlyList<TestCase> Tests,
    int DroppedInputs);

using Sourceless.Values;

namespace Sourceless.Tasks;

/// <summary>One I/O test: arguments, and the expected observables in canonical text (null until
/// known: random cases get theirs from the reference compiled at -O0).</summary>
public sealed record TestCase(int Index, string Kind, IReadOnlyList<Value> Arguments, string? Expected)
{
    /// <summary>The arguments as text, "3, -1, \"ab\"": two cases with the same text are the same input.</summary>
    public string ArgumentText => string.Join(", ", Arguments.Select(ValueText.Describe));
}

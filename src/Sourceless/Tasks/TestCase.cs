using Sourceless.Values;

namespace Sourceless.Tasks;

/// <summary>One I/O test: arguments, and the expected observables in canonical text (null until
/// known: random cases get theirs from the reference compiled at -O0).</summary>
public sealed record TestCase(int Index, string Kind, IReadOnlyList<Value> Arguments, string? Expected);

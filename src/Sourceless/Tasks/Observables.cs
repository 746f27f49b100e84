using Sourceless.Values;

namespace Sourceless.Tasks;

/// <summary>What a test observes after a call: the return value (if any), then the final contents
/// of every mutable pointer argument, in parameter order, joined by ", ".</summary>
public static class Observables
{
    public static string CanonicalExpected(Signature sig, IReadOnlyList<Value> expected, IReadOnlyList<Value> arguments)
    {
        var types = new List<(CType Type, Value Shape)>();
        if (sig.Return is not VoidType) types.Add((sig.Return, new IntValue(0)));
        for (int i = 0; i < sig.Parameters.Count; i++)
            if (sig.Parameters[i].Type is PointerType { Const: false }) types.Add((sig.Parameters[i].Type, arguments[i]));
        if (types.Count == 0) throw new FormatException($"{sig.Name} returns nothing and changes nothing: there is nothing to test");
        if (expected.Count != types.Count)
            throw new FormatException($"expected {types.Count} observable(s) (return value, then each mutable pointer argument), got {expected.Count}");
        return string.Join(", ", types.Select((t, i) => ValueText.Canonical(expected[i], t.Type)));
    }
}

using System.Text.RegularExpressions;

namespace Sourceless.Tasks.Import;

/// <summary>
/// Infers a random generator (docs/task-format.md, "Random generators") for every parameter from
/// its type and name: an integer named like a length (n, len, size, count, ...) next to a pointer
/// becomes len(that pointer); pointers become arrays or strings; other integers get a range that
/// suits their type and name. The result is written into task.txt's <c>random:</c> line and
/// import.json, where a user can edit it and import again.
/// </summary>
public static partial class GeneratorInference
{
    /// <summary>Array length when several arrays share one length parameter: they must be equally
    /// long, which a fixed length says (the generator language has no "same length as").</summary>
    public const int SharedLength = 8;

    public static IReadOnlyList<(string Param, string Generator)> Infer(Signature sig)
    {
        var ps = sig.Parameters;
        var lengthOf = new Dictionary<int, List<int>>(); // length param -> pointers it measures
        var claimed = new HashSet<int>();
        for (int i = 0; i < ps.Count; i++)
        {
            if (ps[i].Type is not PointerType) continue;
            // The nearest length-named integer after the pointer, else before it.
            int found = -1;
            for (int j = i + 1; j < ps.Count && found < 0; j++)
                if (IsLengthParam(ps[j]) && !claimed.Contains(j)) found = j;
            for (int j = i - 1; j >= 0 && found < 0; j--)
                if (IsLengthParam(ps[j]) && !claimed.Contains(j)) found = j;
            // A length that already measures another pointer is shared ("a, b, n").
            if (found < 0)
                for (int j = i + 1; j < ps.Count && found < 0; j++)
                    if (IsLengthParam(ps[j]) && lengthOf.ContainsKey(j)) found = j;
            if (found < 0) continue;
            if (!lengthOf.TryGetValue(found, out var list)) lengthOf[found] = list = [];
            list.Add(i);
            claimed.Add(found);
        }
        var pointerLength = lengthOf.SelectMany(kv => kv.Value.Select(p => (p, kv.Key))).ToDictionary(x => x.p, x => x.Key);
        var result = new List<(string, string)>();
        for (int i = 0; i < ps.Count; i++)
        {
            var p = ps[i];
            string gen;
            if (lengthOf.TryGetValue(i, out var measured))
                gen = $"len({ps[measured[0]].Name})";
            else if (p.Type is PointerType ptr)
            {
                bool hasLength = pointerLength.TryGetValue(i, out int lenParam);
                bool shared = hasLength && lengthOf[lenParam].Count > 1;
                (int min, int max) = !hasLength ? (1, 1) : shared ? (SharedLength, SharedLength) : (0, 16);
                gen = ptr switch
                {
                    { IsInputString: true } or { IsStringBuffer: true } => shared ? $"string({SharedLength},{SharedLength})" : "string(0,16)",
                    { Target: StructType st } when !hasLength => StructGen(st),
                    { Target: StructType st } => $"array({StructGen(st)},{min},{max})",
                    { Target: ScalarType s } => $"array({ElementGen(s)},{min},{max})",
                    _ => throw new ShapeException(Reasons.UnsupportedType, $"no generator for {p.Type.CName}"),
                };
            }
            else if (p.Type is StructType st) gen = StructGen(st);
            else gen = ScalarGen((ScalarType)p.Type, p.Name);
            result.Add((p.Name, gen));
        }
        return result;
    }

    public static string RandomLine(int count, IReadOnlyList<(string Param, string Generator)> gens) =>
        $"{count} {string.Join(' ', gens.Select(g => $"{g.Param}={g.Generator}"))}";

    private static bool IsLengthParam(Parameter p) => p.Type is ScalarType { Name: not ("bool" or "char") } && LengthName().IsMatch(p.Name);

    private static string StructGen(StructType st) => $"struct({string.Join(',', st.Fields.Select(f => ElementGen(f.Type)))})";

    /// <summary>Array elements and struct fields: small values, so sums and products of a few stay
    /// well inside the type.</summary>
    private static string ElementGen(ScalarType s) => s switch
    {
        { Name: "bool" } => "int(0,1)",
        { IsPlainChar: true } => "int(32,126)",
        { Signed: false, Bits: 8 } => "int(0,255)",
        { Signed: true, Bits: 8 } => "int(-128,127)",
        { Signed: false } => "int(0,200)",
        _ => "int(-100,100)",
    };

    private static string ScalarGen(ScalarType s, string name)
    {
        if (s.Name == "bool") return "int(0,1)";
        if (s.IsPlainChar) return "int(32,126)";
        // Counts, indices, shifts and sizes: small and not negative (factorial(n), fib(n), 1 << k).
        if (SmallName().IsMatch(name)) return "int(0,20)";
        if (s.Bits == 8) return s.Signed ? "int(-128,127)" : "int(0,255)";
        return s.Signed ? "int(-1000,1000)" : "int(0,2000)";
    }

    [GeneratedRegex(@"^(n|len|length|size|sz|count|cnt|num|nelem|nmemb|n_\w+|\w+_(len|length|size|count|num)|num\w*|len\w*|size\w*|count\w*)$", RegexOptions.IgnoreCase)]
    private static partial Regex LengthName();

    [GeneratedRegex(@"^(n|k|m|i|j|idx|index|pos|position|depth|level|bits?|shift|steps?|times|rounds?|exp|power|p|r|row|col|digits?|base|num\w*|count\w*|len\w*|size\w*|n_\w+|\w+_(len|length|size|count|num|index|idx))$", RegexOptions.IgnoreCase)]
    private static partial Regex SmallName();
}

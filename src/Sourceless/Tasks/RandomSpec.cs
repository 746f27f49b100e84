using System.Globalization;
using Sourceless.Values;

namespace Sourceless.Tasks;

/// <summary>
/// How to draw seeded random arguments: "random: 30 a=int(-9,9) s=string(0,12) xs=array(int(0,99),0,8) n=len(xs)".
/// Generators: int(lo,hi), string(min,max[,"alphabet"]), array(GEN,min,max), struct(GEN,...),
/// len(param), const(VALUE).
/// </summary>
public sealed class RandomSpec
{
    public static readonly RandomSpec None = new(0, []);

    public int Count { get; }
    private readonly IReadOnlyList<(string Param, Gen Generator)> _generators;

    private RandomSpec(int count, IReadOnlyList<(string, Gen)> generators)
    {
        Count = count;
        _generators = generators;
    }

    public static RandomSpec Parse(string text, Signature signature)
    {
        text = text.Trim();
        if (text.Length == 0) return None;
        int space = text.IndexOf(' ', StringComparison.Ordinal);
        string countText = space < 0 ? text : text[..space];
        if (!int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out int count) || count > 10_000)
            throw new FormatException($"random: must start with a case count (0..10000), got '{countText}'");
        var gens = new List<(string, Gen)>();
        foreach (var item in SplitTop(space < 0 ? "" : text[(space + 1)..], ' '))
        {
            int eq = item.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new FormatException($"random: expected name=generator, got '{item}'");
            string name = item[..eq];
            if (signature.Parameters.All(p => p.Name != name)) throw new FormatException($"random: '{name}' is not a parameter of {signature.Name}");
            gens.Add((name, ParseGen(item[(eq + 1)..])));
        }
        foreach (var p in signature.Parameters)
            if (gens.All(g => g.Item1 != p.Name)) throw new FormatException($"random: no generator for parameter '{p.Name}'");
        return new RandomSpec(count, gens);
    }

    /// <summary>Draws case number <paramref name="index"/>; the same seed gives the same arguments.</summary>
    public IReadOnlyList<Value> Draw(Signature signature, SplitMix64 rng)
    {
        var drawn = new Dictionary<string, Value>();
        // len(...) generators refer to other parameters: draw those first.
        foreach (var (param, gen) in _generators.Where(g => g.Generator is not LenGen)) drawn[param] = gen.Draw(rng);
        foreach (var (param, gen) in _generators.Where(g => g.Generator is LenGen))
        {
            var target = ((LenGen)gen).Of;
            drawn[param] = drawn.TryGetValue(target, out var v) ? new IntValue(LengthOf(v)) : throw new FormatException($"len({target}): no such parameter");
        }
        return signature.Parameters.Select(p => drawn[p.Name]).ToList();
    }

    private static int LengthOf(Value v) => v switch
    {
        ArrayValue a => a.Items.Count,
        StrValue s => s.Bytes.Length,
        _ => throw new FormatException("len() applies to arrays and strings"),
    };

    private abstract record Gen { public abstract Value Draw(SplitMix64 rng); }

    private sealed record IntGen(Int128 Lo, Int128 Hi) : Gen
    {
        // A quarter of draws land on an edge (lo, hi, 0, +-1 when in range): where bugs live.
        public override Value Draw(SplitMix64 rng)
        {
            if (rng.Next(4) == 0)
            {
                Int128[] edges = [Lo, Hi, 0, 1, -1, Lo + 1, Hi - 1];
                var e = edges[rng.Next(edges.Length)];
                if (e >= Lo && e <= Hi) return new IntValue(e);
            }
            return new IntValue(rng.Between(Lo, Hi));
        }
    }

    private sealed record StringGen(int Min, int Max, byte[] Alphabet) : Gen
    {
        public override Value Draw(SplitMix64 rng)
        {
            int n = (int)rng.Between(Min, Max);
            var bytes = new byte[n];
            for (int i = 0; i < n; i++) bytes[i] = Alphabet[rng.Next(Alphabet.Length)];
            return new StrValue(bytes);
        }
    }

    private sealed record ArrayGen(Gen Element, int Min, int Max) : Gen
    {
        public override Value Draw(SplitMix64 rng)
        {
            int n = (int)rng.Between(Min, Max);
            var items = new List<Value>(n);
            for (int i = 0; i < n; i++) items.Add(Element.Draw(rng));
            return new ArrayValue(items);
        }
    }

    private sealed record StructGen(IReadOnlyList<Gen> Fields) : Gen
    {
        public override Value Draw(SplitMix64 rng) => new StructValue(Fields.Select(f => f.Draw(rng)).ToList());
    }

    private sealed record LenGen(string Of) : Gen
    {
        public override Value Draw(SplitMix64 rng) => throw new InvalidOperationException("drawn by RandomSpec");
    }

    private sealed record ConstGen(Value Value) : Gen
    {
        public override Value Draw(SplitMix64 rng) => Value;
    }

    private static readonly byte[] DefaultAlphabet =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,-_"u8.ToArray();

    private static Gen ParseGen(string text)
    {
        int open = text.IndexOf('(', StringComparison.Ordinal);
        if (open < 0 || !text.EndsWith(')')) throw new FormatException($"random: bad generator '{text}'");
        string kind = text[..open];
        var args = SplitTop(text[(open + 1)..^1], ',').Select(a => a.Trim()).ToList();
        Int128 Num(int i) => ((IntValue)ValueParser.Parse(args[i])).Number;
        return kind switch
        {
            "int" when args.Count == 2 => Num(0) <= Num(1) ? new IntGen(Num(0), Num(1)) : throw new FormatException($"random: empty range in '{text}'"),
            "string" when args.Count is 2 or 3 => new StringGen((int)Num(0), (int)Num(1),
                args.Count == 3 ? ((StrValue)ValueParser.Parse(args[2])).Bytes : DefaultAlphabet),
            "array" when args.Count == 3 => new ArrayGen(ParseGen(args[0]), (int)Num(1), (int)Num(2)),
            "struct" when args.Count >= 1 => new StructGen(args.Select(ParseGen).ToList()),
            "len" when args.Count == 1 => new LenGen(args[0]),
            "const" when args.Count == 1 => new ConstGen(ValueParser.Parse(args[0])),
            _ => throw new FormatException($"random: unknown generator '{text}'"),
        };
    }

    /// <summary>Splits at separators outside parentheses, brackets and quotes.</summary>
    private static IEnumerable<string> SplitTop(string text, char separator)
    {
        int depth = 0, start = 0;
        bool quoted = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted) { if (c == '\\') i++; else if (c == '"') quoted = false; continue; }
            if (c == '"') quoted = true;
            else if (c is '(' or '[' or '{') depth++;
            else if (c is ')' or ']' or '}') depth--;
            else if (c == separator && depth == 0)
            {
                if (i > start && text[start..i].Trim().Length > 0) yield return text[start..i].Trim();
                start = i + 1;
            }
        }
        if (text.Length > start && text[start..].Trim().Length > 0) yield return text[start..].Trim();
    }
}

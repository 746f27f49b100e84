using System.Globalization;
using System.Text;
using Sourceless.Tasks;

namespace Sourceless.Corpus;

/// <summary>
/// exprgen: seeded small pure C functions, one per program, with a complexity knob.
/// Tier 1: one expression over 1-3 int parameters with + - * &amp; | ^ &lt;&lt; &gt;&gt; and constants.
/// Tier 2: adds comparisons, ternaries and locals. Tier 3: adds bounded loops, a small local
/// array and a call to a static helper. Tiers 4 and 5 (ExprGenLoops.cs, ExprGenPointers.cs) are
/// what the built-in tasks are made of: loops, arrays, pointers, strings, structs and calls, over
/// int parameters (tier 4, judged like tiers 1-3) and over pointer parameters (tier 5). Program i
/// of a seed is the same text on every machine.
/// Shift counts are constants in 0..31, so no function shifts by its width; signed overflow is
/// left as C has it (the corpus pairs source with what the compiler made of it).
/// </summary>
public static partial class ExprGen
{
    private static readonly string[] Ops = ["+", "-", "*", "&", "|", "^", "<<", ">>"];
    private static readonly string[] Compares = ["<", "<=", ">", ">=", "==", "!="];

    public const int MaxTier = 5;

    /// <summary>Tiers whose functions take int parameters and return an int, so the held-out judge
    /// (<see cref="Neural.ExprJudge"/>) can run them on its hidden inputs.</summary>
    public static bool Judgeable(int tier) => tier is >= 1 and <= 4;

    /// <summary>Refuses a held-out tier the judge cannot run, naming the option it came from.</summary>
    public static void RequireJudgeable(IEnumerable<int> tiers, string option)
    {
        if (tiers.FirstOrDefault(t => !Judgeable(t)) is > 0 and var unjudged)
            throw new UserError($"{option}: tier {unjudged} functions take pointers, which the held-out judge cannot pass; the built-in tasks are their test (tiers 1 to 4 can be held out)");
    }

    public static CorpusProgram Program(ulong seed, int tier, long index)
    {
        var rng = new SplitMix64(SplitMix64.SeedFrom(seed, "exprgen", tier, index));
        string name = $"f{index}";
        int arity = 1 + rng.Next(3);
        var ps = Enumerable.Range(0, arity).Select(i => ((char)('a' + i)).ToString()).ToList();
        var sb = new StringBuilder();
        switch (tier)
        {
            case 1:
                sb.Append(CultureInfo.InvariantCulture, $"int {name}({Params(ps)})\n{{\n    return {Expr(rng, ps, 3)};\n}}\n");
                break;
            case 2:
            {
                sb.Append(CultureInfo.InvariantCulture, $"int {name}({Params(ps)})\n{{\n");
                var vars = new List<string>(ps);
                int locals = 1 + rng.Next(3);
                for (int i = 0; i < locals; i++)
                {
                    sb.Append(CultureInfo.InvariantCulture, $"    int t{i} = {Expr2(rng, vars, 2)};\n");
                    vars.Add("t" + i);
                }
                sb.Append(CultureInfo.InvariantCulture, $"    return {Condition(rng, vars)} ? {Expr(rng, vars, 2)} : {Expr(rng, vars, 2)};\n}}\n");
                break;
            }
            case 3:
            {
                string helper = $"h{index}";
                sb.Append(CultureInfo.InvariantCulture, $"static int {helper}(int x, int y)\n{{\n    return {Expr2(rng, ["x", "y"], 2)};\n}}\n\n");
                sb.Append(CultureInfo.InvariantCulture, $"int {name}({Params(ps)})\n{{\n");
                int len = 2 + rng.Next(6);
                var init = Enumerable.Range(0, len).Select(_ => Constant(rng)).ToList();
                sb.Append(CultureInfo.InvariantCulture, $"    int v[{len}] = {{{string.Join(", ", init)}}};\n");
                sb.Append(CultureInfo.InvariantCulture, $"    int acc = {Expr(rng, ps, 1)};\n");
                var inLoop = new List<string>(ps) { "acc", "i", $"v[i % {len}]" };
                sb.Append(CultureInfo.InvariantCulture, $"    for (int i = 0; i < {len}; i++) {{\n");
                sb.Append(CultureInfo.InvariantCulture, $"        if ({Condition(rng, inLoop)}) acc = {Expr(rng, inLoop, 2)};\n");
                sb.Append(CultureInfo.InvariantCulture, $"        else v[i] = {helper}(acc, {Expr(rng, inLoop, 1)});\n");
                sb.Append("    }\n");
                sb.Append(CultureInfo.InvariantCulture, $"    return {helper}(acc, v[{rng.Next(len)}]);\n}}\n");
                break;
            }
            case 4:
                Loops(sb, rng, name, ps, index);
                break;
            case 5:
                Pointers(sb, rng, name, index);
                break;
            default:
                throw new UserError($"exprgen tier must be 1 to {MaxTier}, got {tier}");
        }
        return new CorpusProgram(index, "exprgen", $"exprgen/t{tier}/{seed}/{index}", tier, sb.ToString());
    }

    /// <summary>The name of the function an exprgen program is made for, from its program id
    /// ("exprgen/t5/12/7" is f7). Not from the record's program index: in a corpus of several tiers
    /// that counts on across tiers, while each tier's programs are numbered from 0.</summary>
    public static string? OwnFunction(string programId) => ParseId(programId) is { } id ? $"f{id.Index}" : null;

    /// <summary>Tier, seed and index of an exprgen program id as <see cref="Program"/> writes it
    /// ("exprgen/t5/12/7"), or null for any other id.</summary>
    public static (int Tier, ulong Seed, long Index)? ParseId(string programId)
    {
        var parts = programId.Split('/');
        return parts.Length == 4 && parts[0] == "exprgen" && parts[1].StartsWith('t')
            && int.TryParse(parts[1][1..], NumberStyles.None, CultureInfo.InvariantCulture, out int tier)
            && ulong.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out ulong seed)
            && long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out long index)
            ? (tier, seed, index) : null;
    }

    private static string Params(IEnumerable<string> ps) => string.Join(", ", ps.Select(p => "int " + p));

    private static string Constant(SplitMix64 rng) => rng.Next(4) switch
    {
        0 => rng.Next(16).ToString(CultureInfo.InvariantCulture),
        1 => rng.Next(256).ToString(CultureInfo.InvariantCulture),
        2 => "0x" + rng.Next(1 << 16).ToString("x", CultureInfo.InvariantCulture),
        _ => (rng.Next(2000) - 1000).ToString(CultureInfo.InvariantCulture),
    };

    private static string Leaf(SplitMix64 rng, IReadOnlyList<string> vars) =>
        rng.Next(3) == 0 ? Constant(rng) : vars[rng.Next(vars.Count)];

    /// <summary>Arithmetic and bitwise operators only (tier 1).</summary>
    private static string Expr(SplitMix64 rng, IReadOnlyList<string> vars, int depth)
    {
        if (depth == 0 || rng.Next(3) == 0) return Leaf(rng, vars);
        string op = Ops[rng.Next(Ops.Length)];
        string left = Expr(rng, vars, depth - 1);
        // Shifts by a constant in 0..31: a shift by the operand's width or more is undefined.
        string right = op is "<<" or ">>" ? rng.Next(32).ToString(CultureInfo.InvariantCulture) : Expr(rng, vars, depth - 1);
        return $"({left} {op} {right})";
    }

    /// <summary>Tier 2 and 3: expressions that may also compare and choose.</summary>
    private static string Expr2(SplitMix64 rng, IReadOnlyList<string> vars, int depth) => rng.Next(3) switch
    {
        0 => $"({Condition(rng, vars)} ? {Expr(rng, vars, depth - 1)} : {Expr(rng, vars, depth - 1)})",
        1 => $"({Condition(rng, vars)})",
        _ => Expr(rng, vars, depth),
    };

    private static string Condition(SplitMix64 rng, IReadOnlyList<string> vars) =>
        $"{Expr(rng, vars, 1)} {Compares[rng.Next(Compares.Length)]} {Expr(rng, vars, 1)}";
}

using System.Globalization;
using System.Text;
using Sourceless.Tasks;

namespace Sourceless.Corpus;

/// <summary>
/// exprgen tier 4: int functions of int parameters whose bodies are made of the statements the
/// built-in tasks use (a local array filled in a loop, a pointer walked over it, a local struct,
/// a string literal scanned to its end, a while loop that shifts or divides a value down to zero,
/// a call to a static helper), two to four of them in a seeded order. The signature stays
/// int(int...), so the held-out judge runs tier 4 on its hidden inputs like tiers 1-3.
/// Every loop ends on every input: its bound is a constant or an unsigned value that shrinks;
/// every index is reduced modulo the array's length; no division has a variable divisor.
/// </summary>
public static partial class ExprGen
{
    private static readonly string[] Words = ["abc", "hello", "sourceless", "x86", "risc", "zebra", "q", "lmno", "binary", "Tree", "data", "key42"];

    /// <summary>"acc += e" and the like: a loop that only assigns would leave its last pass, and the
    /// compiler would throw the rest away.</summary>
    private static string Update(SplitMix64 rng, string target, IReadOnlyList<string> vars, int depth) =>
        $"{target} {new[] { "+", "^", "-", "|", "*", "&" }[rng.Next(6)]}= {Expr(rng, vars, depth)}";

    private static void Loops(StringBuilder sb, SplitMix64 rng, string name, List<string> ps, long index)
    {
        var body = new StringBuilder();
        var vars = new List<string>(ps);
        bool helper = rng.Next(3) == 0;
        string h = $"h{index}";
        body.Append(CultureInfo.InvariantCulture, $"    int acc = {Expr(rng, ps, 1)};\n");
        vars.Add("acc");
        int blocks = 2 + rng.Next(3);
        int arrays = 0;
        for (int b = 0; b < blocks; b++)
        {
            switch (rng.Next(6))
            {
                case 0: // a local array, filled from the parameters, then read
                {
                    string v = $"v{arrays++}";
                    int len = 2 + rng.Next(7);
                    body.Append(CultureInfo.InvariantCulture, $"    int {v}[{len}];\n");
                    body.Append(CultureInfo.InvariantCulture, $"    for (int i = 0; i < {len}; i++) {v}[i] = {Expr(rng, [.. ps, "i"], 2)};\n");
                    var inLoop = new List<string>(vars) { "i", $"{v}[i]" };
                    body.Append(CultureInfo.InvariantCulture, $"    for (int i = 0; i < {len}; i++) {{\n");
                    body.Append(CultureInfo.InvariantCulture, $"        if ({Condition(rng, inLoop)}) {Update(rng, "acc", inLoop, 2)};\n");
                    if (rng.Next(2) == 0) body.Append(CultureInfo.InvariantCulture, $"        else {(helper ? $"acc = {h}(acc, {v}[i])" : Update(rng, "acc", inLoop, 1))};\n");
                    body.Append("    }\n");
                    vars.Add($"{v}[{rng.Next(len)}]");
                    break;
                }
                case 1: // a pointer walked over a constant array
                {
                    string v = $"v{arrays++}";
                    int len = 2 + rng.Next(7);
                    body.Append(CultureInfo.InvariantCulture, $"    int {v}[{len}] = {{{string.Join(", ", Enumerable.Range(0, len).Select(_ => Constant(rng)))}}};\n");
                    body.Append(CultureInfo.InvariantCulture, $"    for (const int *p = {v}; p < {v} + {len}; p++) {Update(rng, "acc", [.. vars, "*p"], 2)};\n");
                    break;
                }
                case 2: // a local struct of two or three fields
                {
                    string s = $"s{b}";
                    var fields = new[] { "x", "y", "z" }.Take(2 + rng.Next(2)).ToList();
                    body.Append(CultureInfo.InvariantCulture, $"    struct {{ int {string.Join(", ", fields)}; }} {s} = {{ {string.Join(", ", fields.Select(_ => Expr(rng, vars, 1)))} }};\n");
                    string f = fields[rng.Next(fields.Count)];
                    body.Append(CultureInfo.InvariantCulture, $"    if ({Condition(rng, [.. vars, .. fields.Select(x => $"{s}.{x}")])}) {s}.{f} = {Expr(rng, [.. vars, .. fields.Select(x => $"{s}.{x}")], 2)};\n");
                    body.Append(CultureInfo.InvariantCulture, $"    {Update(rng, "acc", [.. vars, .. fields.Select(x => $"{s}.{x}")], 2)};\n");
                    break;
                }
                case 3: // a string literal scanned to its terminating zero
                {
                    string word = Words[rng.Next(Words.Length)];
                    string op = new[] { "+", "^", "-", "|" }[rng.Next(4)];
                    body.Append(CultureInfo.InvariantCulture, $"    for (const char *q = \"{word}\"; *q; q++) {{\n");
                    body.Append(CultureInfo.InvariantCulture, $"        if (*q {Compares[rng.Next(Compares.Length)]} '{(char)('a' + rng.Next(26))}') acc = acc {op} {Expr(rng, [.. vars, "*q"], 1)};\n");
                    body.Append("    }\n");
                    break;
                }
                case 4: // a while loop taking an unsigned value down to zero
                {
                    string u = $"u{b}";
                    string step = rng.Next(2) == 0 ? $">>= {1 + rng.Next(8)}" : $"/= {2 + rng.Next(15)}";
                    body.Append(CultureInfo.InvariantCulture, $"    unsigned {u} = (unsigned){vars[rng.Next(vars.Count)]};\n");
                    body.Append(CultureInfo.InvariantCulture, $"    while ({u}) {{\n");
                    body.Append(CultureInfo.InvariantCulture, $"        {Update(rng, "acc", [.. vars, $"(int)({u} & {Constant(rng)})"], 2)};\n");
                    body.Append(CultureInfo.InvariantCulture, $"        {u} {step};\n");
                    body.Append("    }\n");
                    break;
                }
                default: // a counted loop with an early exit
                {
                    int len = 2 + rng.Next(15);
                    body.Append(CultureInfo.InvariantCulture, $"    for (int i = 0; i < {len}; i++) {{\n");
                    body.Append(CultureInfo.InvariantCulture, $"        {(helper && rng.Next(2) == 0 ? $"acc = {h}(acc, {Expr(rng, [.. vars, "i"], 1)})" : Update(rng, "acc", [.. vars, "i"], 2))};\n");
                    if (rng.Next(2) == 0) body.Append(CultureInfo.InvariantCulture, $"        if ({Condition(rng, [.. vars, "i"])}) break;\n");
                    body.Append("    }\n");
                    break;
                }
            }
        }
        body.Append(CultureInfo.InvariantCulture, $"    return {(helper && rng.Next(2) == 0 ? $"{h}(acc, {Expr(rng, vars, 1)})" : rng.Next(2) == 0 ? "acc" : $"acc {Ops[rng.Next(6)]} {Expr(rng, vars, 1)}")};\n");
        if (helper) sb.Append(CultureInfo.InvariantCulture, $"static int {h}(int x, int y)\n{{\n    return {Expr2(rng, ["x", "y"], 2)};\n}}\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"int {name}({Params(ps)})\n{{\n").Append(body).Append("}\n");
    }
}

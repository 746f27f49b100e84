using System.Globalization;
using System.Text;
using Sourceless.Tasks;

namespace Sourceless.Corpus;

/// <summary>
/// exprgen tier 5: functions over pointer, string and struct parameters, in the shapes library
/// code has (and the built-in tasks have; none of their sources is here): an array reduced to a
/// value, an array changed in place, a string scanned or copied with a change, a struct read,
/// changed or returned, a search with an early return, a heap buffer filled and freed, an unsigned
/// value taken apart bit by bit. Return types vary (int, long, unsigned, size_t, void, a struct).
/// These take pointers, so the held-out judge cannot run them: the built-in tasks are their test.
/// </summary>
public static partial class ExprGen
{
    private static readonly string[] Scalars = ["int", "long", "unsigned"];
    private static readonly string[] StructNames = ["pair", "span", "cell", "item", "vec", "box"];
    private static readonly string[][] FieldSets = [["x", "y"], ["lo", "hi"], ["a", "b", "c"], ["w", "h"], ["key", "val"], ["x0", "y0", "x1", "y1"]];
    private static readonly (char Lo, char Hi)[] CharRanges = [('a', 'z'), ('A', 'Z'), ('0', '9'), (' ', ' '), ('a', 'f')];

    private static void Pointers(StringBuilder sb, SplitMix64 rng, string name, long index)
    {
        switch (rng.Next(8))
        {
            case 0: ArrayReduce(sb, rng, name); break;
            case 1: ArrayInPlace(sb, rng, name); break;
            case 2: StringScan(sb, rng, name); break;
            case 3: StringCopy(sb, rng, name); break;
            case 4: Struct(sb, rng, name, index); break;
            case 5: Search(sb, rng, name); break;
            case 6: HeapBuffer(sb, rng, name); break;
            default: Bits(sb, rng, name); break;
        }
    }

    private static string Scalar(SplitMix64 rng) => Scalars[rng.Next(Scalars.Length)];

    private static string Cast(string type, string e) => type == "int" ? e : $"({type})({e})";

    private static void ArrayReduce(StringBuilder sb, SplitMix64 rng, string name)
    {
        string ret = Scalar(rng);
        bool k = rng.Next(2) == 0;
        var vars = new List<string> { "a[i]", "i", "acc" };
        if (k) vars.Add("k");
        sb.Append(CultureInfo.InvariantCulture, $"{ret} {name}(const int *a, int n{(k ? ", int k" : "")})\n{{\n");
        sb.Append(CultureInfo.InvariantCulture, $"    {ret} acc = {(rng.Next(2) == 0 ? "0" : Constant(rng))};\n");
        sb.Append("    for (int i = 0; i < n; i++) {\n");
        if (rng.Next(2) == 0) sb.Append(CultureInfo.InvariantCulture, $"        if ({Condition(rng, vars)})\n    ");
        sb.Append(CultureInfo.InvariantCulture, $"        acc {new[] { "+=", "^=", "=", "-=", "|=" }[rng.Next(5)]} {Cast(ret, Expr(rng, vars, 2))};\n");
        sb.Append("    }\n");
        sb.Append(CultureInfo.InvariantCulture, $"    return {(rng.Next(2) == 0 ? "acc" : Expr(rng, k ? ["acc", "n", "k"] : ["acc", "n"], 1))};\n}}\n");
    }

    private static void ArrayInPlace(StringBuilder sb, SplitMix64 rng, string name)
    {
        string type = rng.Next(3) == 0 ? "long" : "int";
        bool k = rng.Next(2) == 0;
        sb.Append(CultureInfo.InvariantCulture, $"void {name}({type} *a, int n{(k ? ", int k" : "")})\n{{\n");
        var vars = new List<string> { "a[i]", "i" };
        if (k) vars.Add("k");
        switch (rng.Next(3))
        {
            case 0:
                sb.Append(CultureInfo.InvariantCulture, $"    for (int i = 0; i < n; i++) a[i] = {Expr(rng, vars, 2)};\n");
                break;
            case 1: // each element from the one before it
                sb.Append(CultureInfo.InvariantCulture, $"    for (int i = 1; i < n; i++) a[i] = {Expr(rng, [.. vars, "a[i - 1]"], 2)};\n");
                break;
            default: // two ends walking toward each other
                sb.Append("    int i = 0, j = n - 1;\n    while (i < j) {\n");
                sb.Append(CultureInfo.InvariantCulture, $"        {type} t = a[i];\n        a[i] = {Expr(rng, ["a[j]", "t", "i", "j"], 1)};\n        a[j] = {Expr(rng, ["t", "a[i]", "i", "j"], 1)};\n");
                sb.Append("        i++;\n        j--;\n    }\n");
                break;
        }
        sb.Append("}\n");
    }

    private static string CharTest(SplitMix64 rng, string c)
    {
        var (lo, hi) = CharRanges[rng.Next(CharRanges.Length)];
        return lo == hi ? $"{c} == '{lo}'" : $"{c} >= '{lo}' && {c} <= '{hi}'";
    }

    private static void StringScan(StringBuilder sb, SplitMix64 rng, string name)
    {
        string ret = rng.Next(3) == 0 ? "size_t" : "int";
        bool ch = rng.Next(3) == 0;
        if (ret == "size_t") sb.Append("#include <stddef.h>\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"{ret} {name}(const char *s{(ch ? ", char c" : "")})\n{{\n    {ret} n = 0;\n");
        if (rng.Next(2) == 0)
        {
            sb.Append("    for (; *s; s++) {\n");
            sb.Append(CultureInfo.InvariantCulture, $"        if ({(ch ? "*s == c" : CharTest(rng, "*s"))}) n {new[] { "+= 1", "+= *s", "= n * 31 + *s", "^= *s" }[rng.Next(4)]};\n");
            sb.Append("    }\n");
        }
        else
        {
            sb.Append("    while (s[n]");
            if (rng.Next(2) == 0) sb.Append(CultureInfo.InvariantCulture, $" && {(ch ? "s[n] != c" : "!(" + CharTest(rng, "s[n]") + ")")}");
            sb.Append(")\n        n++;\n");
        }
        sb.Append(CultureInfo.InvariantCulture, $"    return {(rng.Next(3) == 0 ? Expr(rng, ["n"], 1) : "n")};\n}}\n");
    }

    private static void StringCopy(StringBuilder sb, SplitMix64 rng, string name)
    {
        bool k = rng.Next(2) == 0;
        bool count = rng.Next(3) == 0;
        sb.Append(CultureInfo.InvariantCulture, $"{(count ? "int" : "void")} {name}(char *out, const char *s{(k ? ", int k" : "")})\n{{\n");
        if (count) sb.Append("    int n = 0;\n");
        sb.Append("    while (*s) {\n        char c = *s++;\n");
        var (lo, hi) = CharRanges[rng.Next(2)];
        string change = rng.Next(3) switch
        {
            0 => $"(char)(c {(lo == 'a' ? "-" : "+")} ('a' - 'A'))",
            1 => $"(char)('{lo}' + (c - '{lo}' + {(k ? "k" : (1 + rng.Next(25)).ToString(CultureInfo.InvariantCulture))}) % {hi - lo + 1})",
            _ => $"'{(char)('a' + rng.Next(26))}'",
        };
        sb.Append(CultureInfo.InvariantCulture, $"        if (c >= '{lo}' && c <= '{hi}') {{\n            c = {change};\n");
        if (count) sb.Append("            n++;\n");
        sb.Append("        }\n        *out++ = c;\n    }\n    *out = 0;\n");
        if (count) sb.Append("    return n;\n");
        sb.Append("}\n");
    }

    private static void Struct(StringBuilder sb, SplitMix64 rng, string name, long index)
    {
        string s = StructNames[rng.Next(StructNames.Length)];
        var fields = FieldSets[rng.Next(FieldSets.Length)];
        sb.Append(CultureInfo.InvariantCulture, $"struct {s} {{\n{string.Concat(fields.Select(f => $"    int {f};\n"))}}};\n\n");
        switch (rng.Next(4))
        {
            case 0: // read through a pointer
            {
                string ret = Scalar(rng);
                var fs = fields.Select(f => $"p->{f}").ToList();
                string e = ret == "int" ? Expr(rng, fs, 2) : $"({ret})({Expr(rng, fs.Take(1).ToList(), 1)}) {new[] { "*", "+", "-" }[rng.Next(3)]} ({Expr(rng, fs.Skip(1).ToList(), 1)})";
                sb.Append(CultureInfo.InvariantCulture, $"{ret} {name}(const struct {s} *p)\n{{\n    return {e};\n}}\n");
                break;
            }
            case 1: // change through a pointer
            {
                sb.Append(CultureInfo.InvariantCulture, $"void {name}(struct {s} *p, int k)\n{{\n");
                foreach (var f in fields.Where(_ => rng.Next(3) != 0))
                    sb.Append(CultureInfo.InvariantCulture, $"    p->{f} = {Expr(rng, [$"p->{f}", "k", $"p->{fields[rng.Next(fields.Length)]}"], 2)};\n");
                sb.Append("}\n");
                break;
            }
            case 2: // returned by value, from two by value, through a static helper
            {
                string h = $"h{index}";
                sb.Append(CultureInfo.InvariantCulture, $"static int {h}(int a, int b) {{ return {Expr(rng, ["a", "b"], 2)}; }}\n\n");
                sb.Append(CultureInfo.InvariantCulture, $"struct {s} {name}(struct {s} a, struct {s} b)\n{{\n");
                sb.Append(CultureInfo.InvariantCulture, $"    struct {s} r = {{ {string.Join(", ", fields.Select(f => rng.Next(2) == 0 ? $"{h}(a.{f}, b.{f})" : Expr(rng, [$"a.{f}", $"b.{f}"], 1)))} }};\n    return r;\n}}\n");
                break;
            }
            default: // an array of structs folded into one
            {
                sb.Append(CultureInfo.InvariantCulture, $"void {name}(const struct {s} *v, int n, struct {s} *out)\n{{\n    struct {s} r = v[0];\n");
                sb.Append("    for (int i = 1; i < n; i++) {\n");
                foreach (var f in fields.Where(_ => rng.Next(4) != 0))
                    sb.Append(rng.Next(2) == 0
                        ? $"        if (v[i].{f} {Compares[rng.Next(4)]} r.{f}) r.{f} = v[i].{f};\n"
                        : $"        r.{f} = {Expr(rng, [$"r.{f}", $"v[i].{f}", "i"], 1)};\n");
                sb.Append("    }\n    *out = r;\n}\n");
                break;
            }
        }
    }

    private static void Search(StringBuilder sb, SplitMix64 rng, string name)
    {
        sb.Append(CultureInfo.InvariantCulture, $"int {name}(const int *a, int n, int key)\n{{\n");
        if (rng.Next(2) == 0)
        {
            sb.Append("    for (int i = 0; i < n; i++) {\n");
            sb.Append(CultureInfo.InvariantCulture, $"        if ({Expr(rng, ["a[i]", "key", "i"], 1)} {Compares[rng.Next(Compares.Length)]} {Expr(rng, ["a[i]", "key", "i"], 1)})\n            return {(rng.Next(3) == 0 ? Expr(rng, ["i", "n"], 1) : "i")};\n");
            sb.Append(CultureInfo.InvariantCulture, $"    }}\n    return {(rng.Next(2) == 0 ? "-1" : Constant(rng))};\n}}\n");
        }
        else
        {
            string mid = rng.Next(2) == 0 ? "lo + (hi - lo) / 2" : "(lo + hi) >> 1";
            sb.Append(CultureInfo.InvariantCulture, $"    int lo = 0, hi = n{(rng.Next(2) == 0 ? " - 1" : "")};\n    while (lo < hi) {{\n        int mid = {mid};\n");
            sb.Append(CultureInfo.InvariantCulture, $"        if (a[mid] {new[] { "<", "<=" }[rng.Next(2)]} key) lo = mid + 1;\n        else hi = mid;\n    }}\n");
            sb.Append(CultureInfo.InvariantCulture, $"    return {(rng.Next(2) == 0 ? "lo" : "lo < n && a[lo] == key ? lo : -1")};\n}}\n");
        }
    }

    private static void HeapBuffer(StringBuilder sb, SplitMix64 rng, string name)
    {
        string type = rng.Next(2) == 0 ? "int" : "long";
        sb.Append(CultureInfo.InvariantCulture, $"#include <stdlib.h>\n\nlong {name}(int n, int v)\n{{\n    if (n < 0 || n > {100 * (1 + rng.Next(1000))}) return {Constant(rng)};\n");
        sb.Append(CultureInfo.InvariantCulture, $"    {type} *p = malloc((size_t)n * sizeof *p + 1);\n    if (!p) return -1;\n");
        sb.Append(CultureInfo.InvariantCulture, $"    for (int i = 0; i < n; i++) p[i] = {Expr(rng, ["v", "i"], 2)};\n");
        sb.Append(CultureInfo.InvariantCulture, $"    long s = {Constant(rng)};\n    for (int i = 0; i < n; i++) s {new[] { "+=", "^=", "-=" }[rng.Next(3)]} p[i];\n    free(p);\n    return s;\n}}\n");
    }

    private static void Bits(StringBuilder sb, SplitMix64 rng, string name)
    {
        string ret = rng.Next(2) == 0 ? "int" : "unsigned";
        bool two = rng.Next(2) == 0;
        sb.Append(CultureInfo.InvariantCulture, $"{ret} {name}(unsigned x{(two ? ", unsigned y" : "")})\n{{\n    {ret} r = {Constant(rng)};\n");
        var vars = two ? new List<string> { "x", "y", "r" } : ["x", "r"];
        if (rng.Next(2) == 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $"    while (x) {{\n        {Update(rng, "r", [.. vars, "(x & 1)"], 2)};\n        x >>= {1 + rng.Next(4)};\n    }}\n");
        }
        else
        {
            int n = new[] { 8, 16, 32 }[rng.Next(3)];
            sb.Append(CultureInfo.InvariantCulture, $"    for (int i = 0; i < {n}; i++) {{\n        if (x & (1u << i)) {Update(rng, "r", [.. vars, "i"], 1)};\n    }}\n");
        }
        sb.Append(CultureInfo.InvariantCulture, $"    return {(rng.Next(3) != 0 ? "r" : $"r {Ops[rng.Next(6)]} {Expr(rng, vars, 1)}")};\n}}\n");
    }
}

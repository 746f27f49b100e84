using System.Globalization;
using System.Text;
using Sourceless.Tasks;

namespace Sourceless.Values;

/// <summary>Writes test values as C expressions for the generated driver, checking that each
/// value fits its parameter's type (a task that does not is a broken task).</summary>
public static class CLiteral
{
    public static string Integer(Int128 v, ScalarType t)
    {
        if (v < t.MinValue || v > t.MaxValue)
            throw new FormatException($"{v} is outside the range of {t.CName} ({t.MinValue}..{t.MaxValue})");
        string text = v >= 0
            ? v.ToString(CultureInfo.InvariantCulture) + "ULL"
            : v == long.MinValue ? "(-9223372036854775807LL-1)" : "(" + v.ToString(CultureInfo.InvariantCulture) + "LL)";
        return $"(({t.CName}){text})";
    }

    /// <summary>A C string literal using octal escapes (never ambiguous, unlike greedy \x).</summary>
    public static string String(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder("\"");
        foreach (byte b in bytes)
        {
            if (b >= 0x20 && b < 0x7f && b != '"' && b != '\\' && b != '?') sb.Append((char)b);
            else sb.Append('\\').Append(Convert.ToString(b, 8).PadLeft(3, '0'));
        }
        return sb.Append('"').ToString();
    }

    public static string Struct(StructValue v, StructType t)
    {
        if (v.Fields.Count != t.Fields.Count)
            throw new FormatException($"struct {t.Name} has {t.Fields.Count} fields, the literal {ValueText.Describe(v)} has {v.Fields.Count}");
        var parts = new List<string>();
        for (int i = 0; i < t.Fields.Count; i++)
        {
            if (v.Fields[i] is not IntValue iv) throw new FormatException($"field {t.Fields[i].Name} of struct {t.Name} needs an integer");
            parts.Add(Integer(iv.Number, t.Fields[i].Type));
        }
        return "{" + string.Join(", ", parts) + "}";
    }

    public static string Element(Value v, CType t) => (t, v) switch
    {
        (ScalarType s, IntValue i) => Integer(i.Number, s),
        (StructType st, StructValue sv) => Struct(sv, st),
        _ => throw new FormatException($"value {ValueText.Describe(v)} does not fit {t.CName}"),
    };
}

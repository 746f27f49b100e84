using System.Globalization;
using System.Text;
using Sourceless.Tasks;

namespace Sourceless.Values;

/// <summary>
/// The canonical text of observables, identical to what the C driver prints
/// (harness/sl_runtime.c): integers in decimal, strings quoted with \xHH for anything not
/// printable, arrays "[a, b]", structs "{a, b}". Expected outputs written by hand are parsed and
/// re-printed through here, so spacing and hex/decimal choices in task files do not matter.
/// </summary>
public static class ValueText
{
    public static string Canonical(Value value, CType type, int length = -1)
    {
        var sb = new StringBuilder();
        Write(sb, value, type);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, Value value, CType type)
    {
        switch (type, value)
        {
            case (ScalarType s, IntValue i):
                sb.Append(Wrap(i.Number, s).ToString(CultureInfo.InvariantCulture));
                break;
            case (StructType st, StructValue sv):
                sb.Append('{');
                for (int k = 0; k < st.Fields.Count; k++)
                {
                    if (k > 0) sb.Append(", ");
                    Write(sb, k < sv.Fields.Count ? sv.Fields[k] : new IntValue(0), st.Fields[k].Type);
                }
                sb.Append('}');
                break;
            case (PointerType { IsStringBuffer: true } or PointerType { IsInputString: true }, StrValue str):
                WriteString(sb, str.Bytes);
                break;
            case (PointerType { Target: ScalarType } p, StrValue bytes):
                // A byte string given for a non-char pointer is the array of its bytes.
                Write(sb, new ArrayValue(bytes.Bytes.Select(b => (Value)new IntValue(b)).ToList()), p);
                break;
            case (PointerType p, ArrayValue arr):
                sb.Append('[');
                for (int k = 0; k < arr.Items.Count; k++)
                {
                    if (k > 0) sb.Append(", ");
                    Write(sb, arr.Items[k], p.Target);
                }
                sb.Append(']');
                break;
            case (PointerType p, StructValue sv) when p.Target is StructType:
                Write(sb, sv, p.Target);
                break;
            default:
                throw new FormatException($"value {Describe(value)} does not fit type {type.CName}");
        }
    }

    /// <summary>Reduces an integer to the range of its C type, as the driver's printf would show it.</summary>
    public static Int128 Wrap(Int128 v, ScalarType t)
    {
        if (t.Name == "bool") return v != 0 ? 1 : 0;
        Int128 modulus = Int128.One << t.Bits;
        Int128 r = ((v % modulus) + modulus) % modulus;
        if (t.Signed && r >= modulus / 2) r -= modulus;
        return r;
    }

    public static void WriteString(StringBuilder sb, ReadOnlySpan<byte> bytes)
    {
        sb.Append('"');
        foreach (byte b in bytes)
        {
            if (b == 0) break;
            if (b is (byte)'"' or (byte)'\\') sb.Append('\\').Append((char)b);
            else if (b >= 0x20 && b < 0x7f) sb.Append((char)b);
            else sb.Append("\\x").Append(b.ToString("x2", CultureInfo.InvariantCulture));
        }
        sb.Append('"');
    }

    /// <summary>A readable form for error messages.</summary>
    public static string Describe(Value v) => v switch
    {
        IntValue i => i.Number.ToString(CultureInfo.InvariantCulture),
        StrValue s => Quote(s.Bytes),
        ArrayValue a => "[" + string.Join(", ", a.Items.Select(Describe)) + "]",
        StructValue s => "{" + string.Join(", ", s.Fields.Select(Describe)) + "}",
        _ => "?",
    };

    private static string Quote(byte[] bytes)
    {
        var sb = new StringBuilder();
        WriteString(sb, bytes);
        return sb.ToString();
    }
}

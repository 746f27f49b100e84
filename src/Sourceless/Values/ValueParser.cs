using System.Globalization;
using System.Text;

namespace Sourceless.Values;

/// <summary>
/// Parses the value syntax of task files: integers (decimal, 0x hex, negative, 'c' character
/// literals), "strings" with C escapes, [arrays] and {structs}, separated by commas.
/// </summary>
public sealed class ValueParser
{
    private readonly string _text;
    private int _pos;

    private ValueParser(string text) => _text = text;

    public static IReadOnlyList<Value> ParseList(string text)
    {
        var p = new ValueParser(text);
        var items = new List<Value>();
        p.SkipSpace();
        if (p.AtEnd) return items;
        while (true)
        {
            items.Add(p.ParseValue());
            p.SkipSpace();
            if (p.AtEnd) break;
            p.Expect(',');
        }
        return items;
    }

    public static Value Parse(string text)
    {
        var list = ParseList(text);
        if (list.Count != 1) throw new FormatException($"expected one value, found {list.Count}: {text}");
        return list[0];
    }

    private bool AtEnd => _pos >= _text.Length;

    private void SkipSpace()
    {
        while (!AtEnd && char.IsWhiteSpace(_text[_pos])) _pos++;
    }

    private void Expect(char c)
    {
        SkipSpace();
        if (AtEnd || _text[_pos] != c)
            throw new FormatException($"expected '{c}' at column {_pos + 1} of: {_text}");
        _pos++;
    }

    private Value ParseValue()
    {
        SkipSpace();
        if (AtEnd) throw new FormatException($"missing value at end of: {_text}");
        char c = _text[_pos];
        return c switch
        {
            '[' => new ArrayValue(ParseSequence('[', ']')),
            '{' => new StructValue(ParseSequence('{', '}')),
            '"' => new StrValue(ParseString()),
            '\'' => new IntValue(ParseChar()),
            _ => new IntValue(ParseInteger()),
        };
    }

    private List<Value> ParseSequence(char open, char close)
    {
        Expect(open);
        var items = new List<Value>();
        SkipSpace();
        if (!AtEnd && _text[_pos] == close) { _pos++; return items; }
        while (true)
        {
            items.Add(ParseValue());
            SkipSpace();
            if (!AtEnd && _text[_pos] == close) { _pos++; return items; }
            Expect(',');
        }
    }

    private Int128 ParseInteger()
    {
        int start = _pos;
        bool negative = false;
        if (_text[_pos] is '-' or '+') { negative = _text[_pos] == '-'; _pos++; }
        bool hex = _pos + 1 < _text.Length && _text[_pos] == '0' && (_text[_pos + 1] is 'x' or 'X');
        if (hex) _pos += 2;
        int digits = _pos;
        while (!AtEnd && (hex ? char.IsAsciiHexDigit(_text[_pos]) : char.IsAsciiDigit(_text[_pos]))) _pos++;
        if (_pos == digits) throw new FormatException($"expected a value at column {start + 1} of: {_text}");
        var span = _text.AsSpan(digits, _pos - digits);
        Int128 magnitude = hex
            ? Int128.Parse(span, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture)
            : Int128.Parse(span, NumberStyles.None, CultureInfo.InvariantCulture);
        // Skip C integer suffixes (u, l, ll) so values can be pasted from C.
        while (!AtEnd && _text[_pos] is 'u' or 'U' or 'l' or 'L') _pos++;
        return negative ? -magnitude : magnitude;
    }

    private Int128 ParseChar()
    {
        _pos++;
        byte b = ReadStringByte('\'', out var bytes) ? bytes : throw new FormatException($"empty character literal in: {_text}");
        if (AtEnd || _text[_pos] != '\'') throw new FormatException($"unterminated character literal in: {_text}");
        _pos++;
        return b;
    }

    private byte[] ParseString()
    {
        _pos++;
        var bytes = new List<byte>();
        while (true)
        {
            if (AtEnd) throw new FormatException($"unterminated string in: {_text}");
            if (_text[_pos] == '"') { _pos++; return [.. bytes]; }
            if (ReadStringByte('"', out var b)) bytes.Add(b);
        }
    }

    /// <summary>Reads one (possibly escaped) byte; non-ASCII characters become their UTF-8 bytes.</summary>
    private bool ReadStringByte(char quote, out byte value)
    {
        value = 0;
        if (AtEnd || _text[_pos] == quote) return false;
        char c = _text[_pos++];
        if (c != '\\')
        {
            if (c < 0x80) { value = (byte)c; return true; }
            throw new FormatException($"non-ASCII character '{c}' in a literal; write it as \\xHH bytes: {_text}");
        }
        if (AtEnd) throw new FormatException($"dangling backslash in: {_text}");
        char e = _text[_pos++];
        switch (e)
        {
            case 'n': value = (byte)'\n'; return true;
            case 't': value = (byte)'\t'; return true;
            case 'r': value = (byte)'\r'; return true;
            case '0': value = 0; return true;
            case '\\': case '"': case '\'': value = (byte)e; return true;
            case 'x':
                if (_pos + 2 > _text.Length || !char.IsAsciiHexDigit(_text[_pos]) || !char.IsAsciiHexDigit(_text[_pos + 1]))
                    throw new FormatException($"\\x needs two hex digits in: {_text}");
                value = byte.Parse(_text.AsSpan(_pos, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
                _pos += 2;
                return true;
            default:
                throw new FormatException($"unknown escape \\{e} in: {_text}");
        }
    }

    /// <summary>Splits "args => expected" at the top-level arrow (not inside a string).</summary>
    public static (string Args, string? Expected) SplitArrow(string line)
    {
        bool inString = false;
        for (int i = 0; i + 1 < line.Length; i++)
        {
            char c = line[i];
            if (inString)
            {
                if (c == '\\') i++;
                else if (c == '"') inString = false;
            }
            else if (c == '"') inString = true;
            else if (c == '=' && line[i + 1] == '>') return (line[..i].Trim(), line[(i + 2)..].Trim());
        }
        return (line.Trim(), null);
    }

    internal static string Describe(byte[] bytes) => Encoding.ASCII.GetString(bytes);
}

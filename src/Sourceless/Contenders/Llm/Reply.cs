using System.Text.RegularExpressions;

namespace Sourceless.Contenders.Llm;

/// <summary>
/// What a model's reply holds, read without trusting it: the last fenced block of the asked-for
/// kind (or the last untagged one), then hex digits, assembly or C. A reply that holds none of it
/// is an outcome with a reason, never an exception.
/// </summary>
public static partial class Reply
{
    public sealed record Parsed(byte[]? Bytes, string? Text, string? Failure);

    public static string? Block(string reply, params string[] tags)
    {
        var blocks = Fence().Matches(reply).Select(m => (Tag: m.Groups[1].Value.Trim().ToLowerInvariant(), Body: m.Groups[2].Value)).ToList();
        var tagged = blocks.LastOrDefault(b => tags.Contains(b.Tag));
        if (tagged.Body is not null) return tagged.Body;
        var untagged = blocks.LastOrDefault(b => b.Tag.Length == 0);
        return untagged.Body;
    }

    public static Parsed Hex(string reply)
    {
        string text = Block(reply, "hex", "text") ?? (Fence().IsMatch(reply) ? "" : reply);
        text = Comment().Replace(text, "");
        text = text.Replace("0x", "", StringComparison.OrdinalIgnoreCase).Replace("\\x", "", StringComparison.OrdinalIgnoreCase);
        var digits = new string([.. text.Where(c => !char.IsWhiteSpace(c) && c != ',' && c != ';')]);
        if (digits.Length == 0) return new Parsed(null, null, "the reply holds no hex bytes");
        if (!HexDigits().IsMatch(digits)) return new Parsed(null, null, "the reply's code block is not hex bytes");
        if (digits.Length % 2 != 0) return new Parsed(null, null, "the reply has an odd number of hex digits");
        return new Parsed(Convert.FromHexString(digits), null, null);
    }

    public static Parsed Asm(string reply)
    {
        string? text = Block(reply, "asm", "s", "assembly", "gas", "x86asm", "armasm", "riscv");
        return string.IsNullOrWhiteSpace(text) ? new Parsed(null, null, "the reply holds no assembly block") : new Parsed(null, text, null);
    }

    public static Parsed C(string reply)
    {
        string? text = Block(reply, "c", "cpp", "c++");
        return text is null || !text.Contains('{') ? new Parsed(null, null, "the reply holds no C function") : new Parsed(null, text, null);
    }

    [GeneratedRegex(@"```([^\n`]*)\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex Fence();

    [GeneratedRegex(@"(#|//)[^\n]*")]
    private static partial Regex Comment();

    [GeneratedRegex("^[0-9a-fA-F]+$")]
    private static partial Regex HexDigits();
}

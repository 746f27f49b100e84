using System.Text;
using Sourceless.Targets;

namespace Sourceless.Neural;

/// <summary>
/// The model's alphabet: a few control tokens, one tag per Target (so one model can learn several
/// ISAs, compilers and levels), the 128 ASCII characters of C source, and the 256 byte values of
/// machine code. Source characters and code bytes are different tokens: the model never confuses
/// the digit '1' with the byte 0x31. A sequence is BOS TAG source... SEP code... EOS.
/// </summary>
public static partial class Tokenizer
{
    public const int Pad = 0, Bos = 1, Sep = 2, Eos = 3;
    private const int FirstTag = 4, TagCount = 24, FirstChar = FirstTag + TagCount, FirstByte = FirstChar + 128;
    private static readonly string[] Compilers = ["gcc", "clang"];
    private static readonly string[] Levels = ["-O0", "-O1", "-O2", "-O3"];

    public const int VocabSize = FirstByte + 256;

    /// <summary>One tag per ISA x compiler x level (the corpus's -O1 included), fixed by position
    /// so that a checkpoint's tags mean the same thing in every build.</summary>
    public static int Tag(string isa, string compiler, string level)
    {
        int i = Isa.All.ToList().FindIndex(x => x.Name == isa), c = Array.IndexOf(Compilers, compiler), o = Array.IndexOf(Levels, level);
        if (i < 0 || c < 0 || o < 0) throw new ArgumentException($"no tag for target {isa}/{compiler}/{level}");
        return FirstTag + i * 8 + c * 4 + o;
    }

    public static int Tag(Target target) => Tag(target.Isa.Name, target.Compiler, target.OptLevel);

    public static int ByteToken(byte b) => FirstByte + b;

    public static bool IsByte(int token) => token >= FirstByte && token < FirstByte + 256;

    public static byte ToByte(int token) => (byte)(token - FirstByte);

    /// <summary>Whitespace runs become one space: layout says nothing about the code, and the
    /// prompt stays short.</summary>
    public static string Normalize(string source)
    {
        var sb = new StringBuilder(source.Length);
        bool space = false;
        foreach (char c in source.Trim())
        {
            if (char.IsWhiteSpace(c)) { space = true; continue; }
            if (space && sb.Length > 0) sb.Append(' ');
            space = false;
            sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>
    /// Integer literals as the machine holds them: every decimal literal becomes hexadecimal, and a
    /// negated one (unary minus right after "(", an operator, "," or "return") becomes its 32-bit
    /// two's complement, so "-737" reads "0xfffffd1f". The model then copies nibbles into
    /// little-endian immediates instead of doing base conversion, which a small transformer does
    /// not learn from a few epochs (a 2-layer model trained 600 steps on "return a + K" still
    /// guessed K's low byte). The text is the model's input only; nothing compiles it.
    /// </summary>
    public static string CanonicalLiterals(string text) =>
        DecimalLiteral().Replace(NegativeLiteral().Replace(text, m => Hex(-ParseLiteral(m.Groups[1].Value))), m => Hex(ParseLiteral(m.Value)));

    private static long ParseLiteral(string digits) => long.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long v) ? v : 0;

    private static string Hex(long v) => v is >= int.MinValue and <= uint.MaxValue
        ? "0x" + ((uint)v).ToString("x", System.Globalization.CultureInfo.InvariantCulture)
        : "0x" + ((ulong)v).ToString("x", System.Globalization.CultureInfo.InvariantCulture);

    [System.Text.RegularExpressions.GeneratedRegex(@"(?<=(?:[(,=+\-*/%&|^<>?:!~]|\breturn)\s*)-\s*(\d+)\b(?![.xXeE])")]
    private static partial System.Text.RegularExpressions.Regex NegativeLiteral();

    [System.Text.RegularExpressions.GeneratedRegex(@"(?<![\w.])\d+\b(?![.xXeE])")]
    private static partial System.Text.RegularExpressions.Regex DecimalLiteral();

    /// <summary>BOS TAG source SEP: what the model continues with code bytes.</summary>
    public static int[] Prompt(string source, Target target) => Prompt(source, Tag(target));

    public static int[] Prompt(string source, int tag)
    {
        string text = CanonicalLiterals(Normalize(source));
        var tokens = new int[text.Length + 3];
        tokens[0] = Bos;
        tokens[1] = tag;
        for (int i = 0; i < text.Length; i++)
            tokens[i + 2] = FirstChar + (text[i] < 128 ? text[i] : '?');
        tokens[^1] = Sep;
        return tokens;
    }

    /// <summary>A whole training sequence, and where its completion starts (the first code token).</summary>
    public static (int[] Tokens, int CompletionStart) Example(string source, int tag, byte[] code)
    {
        var prompt = Prompt(source, tag);
        var tokens = new int[prompt.Length + code.Length + 1];
        prompt.CopyTo(tokens, 0);
        for (int i = 0; i < code.Length; i++) tokens[prompt.Length + i] = ByteToken(code[i]);
        tokens[^1] = Eos;
        return (tokens, prompt.Length);
    }
}

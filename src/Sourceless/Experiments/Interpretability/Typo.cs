using Sourceless.Tasks;

namespace Sourceless.Experiments.Interpretability;

/// <summary>One single-character edit of a source file at a character position.</summary>
public sealed record Typo(int Position, string Kind, string Text)
{
    /// <summary>"substitute" (neighbouring key), "lookalike", "delete", "insert", "duplicate", "swap".</summary>
    public static readonly IReadOnlyList<string> Kinds = ["substitute", "lookalike", "delete", "insert", "duplicate", "swap"];

    public string Apply(string source) => Kind switch
    {
        "substitute" or "lookalike" => source[..Position] + Text + source[(Position + 1)..],
        "delete" => source[..Position] + source[(Position + 1)..],
        "insert" => source[..Position] + Text + source[Position..],
        "duplicate" => source[..Position] + source[Position] + source[Position..],
        "swap" => source[..Position] + source[Position + 1] + source[Position] + source[(Position + 2)..],
        _ => throw new InvalidOperationException("unknown typo kind " + Kind),
    };

    /// <summary>1-based line of the edit in the original source.</summary>
    public int Line(string source) => source.AsSpan(0, Position).Count('\n') + 1;

    public string Describe(string source)
    {
        char c = source[Position];
        return Kind switch
        {
            "substitute" or "lookalike" => $"{Kind} '{Show(c)}' -> '{Show(Text[0])}'",
            "insert" => $"insert '{Show(Text[0])}' before '{Show(c)}'",
            "swap" => $"swap '{Show(c)}{Show(source[Position + 1])}'",
            _ => $"{Kind} '{Show(c)}'",
        };
    }

    private static string Show(char c) => c switch { '\n' => "\\n", '\t' => "\\t", _ => c.ToString() };

    /// <summary>Parses the stored form "kind:position:text" (the text hex-free, one character or empty).</summary>
    public string Encode() => $"{Kind}:{Position}:{Text}";

    public static Typo Decode(string s)
    {
        var parts = s.Split(':', 3);
        return new Typo(int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), parts[0], parts.Length > 2 ? parts[2] : "");
    }
}

/// <summary>Draws seeded typos in the part of a C file a developer edits (after the includes).</summary>
public static class TypoMaker
{
    private static readonly string[] KeyboardRows = ["`1234567890-=", "qwertyuiop[]\\", "asdfghjkl;'", "zxcvbnm,./"];
    private static readonly string[] ShiftedRows = ["~!@#$%^&*()_+", "QWERTYUIOP{}|", "ASDFGHJKL:\"", "ZXCVBNM<>?"];
    private static readonly Dictionary<char, string> LookAlikes = new()
    {
        ['l'] = "1I", ['1'] = "l", ['I'] = "l1", ['O'] = "0", ['0'] = "O", ['o'] = "0", [';'] = ":", [':'] = ";",
        ['('] = "[{", [')'] = "]}", ['['] = "(", [']'] = ")", ['{'] = "(", ['}'] = ")", ['='] = "-", ['-'] = "=~",
        ['+'] = "-", ['<'] = ",", ['>'] = ".", [','] = ".", ['.'] = ",", ['i'] = "j", ['j'] = "i", ['n'] = "m", ['m'] = "n",
        ['5'] = "S", ['S'] = "5", ['2'] = "Z", ['&'] = "%", ['|'] = "l!", ['!'] = "|", ['"'] = "'", ['\''] = "\"",
    };

    public static IReadOnlyList<Typo> Draw(string source, int count, SplitMix64 rng)
    {
        int start = 0;
        foreach (var line in source.Split('\n'))
        {
            if (!line.TrimStart().StartsWith('#') && line.Trim().Length > 0) break;
            start += line.Length + 1;
        }
        var positions = Enumerable.Range(start, Math.Max(0, source.Length - start - 1)).Where(i => !char.IsWhiteSpace(source[i])).ToList();
        var typos = new List<Typo>();
        var used = new HashSet<string>();
        for (int tries = 0; typos.Count < count && positions.Count > 0 && tries < count * 20; tries++)
        {
            int pos = positions[rng.Next(positions.Count)];
            string kind = Typo.Kinds[rng.Next(Typo.Kinds.Count)];
            char c = source[pos];
            string text = kind switch
            {
                "substitute" => Neighbour(c, rng),
                "lookalike" => LookAlikes.TryGetValue(c, out var alts) ? alts[rng.Next(alts.Length)].ToString() : "",
                "insert" => Neighbour(c, rng),
                "swap" when source[pos + 1] == c || char.IsWhiteSpace(source[pos + 1]) => "",
                _ => "-",
            };
            if (text.Length == 0) continue;
            if (kind is "delete" or "duplicate" or "swap") text = "";
            var typo = new Typo(pos, kind, text);
            if (used.Add(typo.Encode())) typos.Add(typo);
        }
        return typos;
    }

    private static string Neighbour(char c, SplitMix64 rng)
    {
        foreach (var rows in new[] { KeyboardRows, ShiftedRows })
            for (int r = 0; r < rows.Length; r++)
            {
                int i = rows[r].IndexOf(c, StringComparison.Ordinal);
                if (i < 0) continue;
                var near = new List<char>();
                if (i > 0) near.Add(rows[r][i - 1]);
                if (i + 1 < rows[r].Length) near.Add(rows[r][i + 1]);
                if (r > 0 && i < rows[r - 1].Length) near.Add(rows[r - 1][i]);
                if (r + 1 < rows.Length && i < rows[r + 1].Length) near.Add(rows[r + 1][i]);
                return near[rng.Next(near.Count)].ToString();
            }
        return "";
    }
}

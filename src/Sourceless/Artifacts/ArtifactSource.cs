using System.Text.RegularExpressions;

namespace Sourceless.Artifacts;

/// <summary>
/// The source a compiler contender hands over: the generated task header, a "/* ref.c */" marker
/// line, then the contender's own file as it was compiled. Written here and read back here, so the
/// experiments that need the file itself (its comments, its line numbers for gdb) agree on it.
/// </summary>
public static partial class ArtifactSource
{
    public static string Compose(string header, string fileName, string text) => header + "\n/* " + fileName + " */\n" + text;

    /// <summary>The contender's own file (name and text, line numbers as the DWARF has them), or
    /// null when the source has no marker (it was not composed here).</summary>
    public static (string Name, string Text)? Own(string source)
    {
        var m = MarkerRegex().Match(source);
        return m.Success ? (m.Groups[1].Value, source[Math.Min(source.Length, m.Index + m.Length + 1)..]) : null;
    }

    [GeneratedRegex(@"^/\* ([\w.-]+\.c) \*/$", RegexOptions.Multiline)]
    private static partial Regex MarkerRegex();
}

using System.Text.Json;
using System.Text.RegularExpressions;

namespace Sourceless.Experiments.Interpretability;

/// <summary>A compiler diagnostic: file, line and severity, from the compiler's machine-readable output.</summary>
public sealed record Diagnostic(string File, int Line, int Column, string Severity, string Message);

/// <summary>
/// Reads gcc's -fdiagnostics-format=json output and clang's parseable
/// "file:line:col: severity: message" lines (clang 14 has no JSON diagnostics).
/// </summary>
public static partial class Diagnostics
{
    public static IReadOnlyList<string> Flags(string compiler) => compiler == "gcc"
        ? ["-fdiagnostics-format=json"]
        : ["-fno-color-diagnostics", "-fno-caret-diagnostics", "-fdiagnostics-parseable-fixits"];

    public static IReadOnlyList<Diagnostic> Parse(string compiler, string stderr) => compiler == "gcc" ? ParseGccJson(stderr) : ParseClang(stderr);

    public static IReadOnlyList<Diagnostic> ParseGccJson(string stderr)
    {
        var result = new List<Diagnostic>();
        // gcc writes one JSON array per translation unit; other text (from the driver) may precede it.
        int start = stderr.IndexOf('[', StringComparison.Ordinal);
        if (start < 0) return result;
        try
        {
            using var doc = JsonDocument.Parse(stderr[start..]);
            foreach (var d in doc.RootElement.EnumerateArray()) Add(d, result);
        }
        catch (JsonException)
        {
            return ParseClang(stderr); // not JSON after all: fall back to the text form
        }
        return result;
    }

    private static void Add(JsonElement d, List<Diagnostic> into)
    {
        string kind = d.TryGetProperty("kind", out var k) ? k.GetString() ?? "" : "";
        string message = d.TryGetProperty("message", out var m) ? m.GetString() ?? "" : "";
        if (d.TryGetProperty("locations", out var locs) && locs.GetArrayLength() > 0 && locs[0].TryGetProperty("caret", out var caret))
            into.Add(new Diagnostic(caret.GetProperty("file").GetString() ?? "", caret.GetProperty("line").GetInt32(),
                caret.TryGetProperty("column", out var col) ? col.GetInt32() : 0, kind, message));
        else into.Add(new Diagnostic("", 0, 0, kind, message));
        if (d.TryGetProperty("children", out var children))
            foreach (var c in children.EnumerateArray()) Add(c, into);
    }

    public static IReadOnlyList<Diagnostic> ParseClang(string stderr) =>
        ClangLine().Matches(stderr).Select(m => new Diagnostic(m.Groups["file"].Value, int.Parse(m.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(m.Groups["col"].Value, System.Globalization.CultureInfo.InvariantCulture), m.Groups["sev"].Value, m.Groups["msg"].Value.Trim())).ToList();

    [GeneratedRegex(@"^(?<file>[^:\n]+):(?<line>\d+):(?<col>\d+): (?<sev>fatal error|error|warning|note): (?<msg>.*)$", RegexOptions.Multiline)]
    private static partial Regex ClangLine();
}

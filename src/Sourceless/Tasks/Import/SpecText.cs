using System.Text.RegularExpressions;

namespace Sourceless.Tasks.Import;

/// <summary>The spec of an imported task: the function's own leading comment when it has one,
/// else one generated from its signature and name. Which one is recorded (spec-from:).</summary>
public static partial class SpecText
{
    public static (string Spec, string From) For(Signature sig, string? comment, string origin)
    {
        string contract = Contract(sig);
        if (comment is not null)
            return ($"{comment}\n\nSignature: {sig.Declaration} (from {origin}).{contract}", "comment");
        string words = string.Join(' ', WordRegex().Matches(sig.Name).Select(m => m.Value.ToLowerInvariant()));
        return ($"Implement {sig.Declaration}, a function of {origin}. Its name says what it computes: \"{words}\". " +
                $"The hidden tests hold the original implementation's outputs.{contract}", "generated");
    }

    private static string Contract(Signature sig)
    {
        var notes = new List<string>();
        foreach (var p in sig.Parameters)
        {
            if (p.Type is not PointerType pt) continue;
            notes.Add(pt switch
            {
                { IsInputString: true } => $"`{p.Name}` is a NUL-terminated input string",
                { IsStringBuffer: true } => $"`{p.Name}` is a writable NUL-terminated string buffer",
                { Const: true } => $"`{p.Name}` points at input elements",
                _ => $"`{p.Name}` points at elements the function may change (their final values are checked)",
            });
        }
        return notes.Count == 0 ? "" : " " + string.Join("; ", notes) + ".";
    }

    [GeneratedRegex(@"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")]
    private static partial Regex WordRegex();
}

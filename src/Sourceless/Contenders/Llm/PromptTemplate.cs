using System.Text;
using System.Text.RegularExpressions;
using Sourceless.Harness;

namespace Sourceless.Contenders.Llm;

/// <summary>
/// A prompt template from prompts/MODE.md in the repository: a "version:" line (recorded with
/// every request), then sections "## system", "## example-user", "## example-assistant" and
/// "## user". {{name}} is replaced by its value; a block between {{#name}} and {{/name}} is kept
/// only when the value is there (the trial gives the reference source, `sourceless make` does not).
/// </summary>
public sealed partial class PromptTemplate
{
    public string Version { get; }
    private readonly Dictionary<string, string> _sections;

    private PromptTemplate(string version, Dictionary<string, string> sections)
    {
        Version = version;
        _sections = sections;
    }

    public static string PathFor(LlmMode mode) => Path.Combine(SourcelessHome.Path, "prompts", mode.ToString().ToLowerInvariant() + ".md");

    public static PromptTemplate Load(LlmMode mode)
    {
        string path = PathFor(mode);
        if (!File.Exists(path)) throw new UserError($"prompt template {path} is missing");
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || !lines[0].StartsWith("version:", StringComparison.Ordinal)) throw new UserError($"{path}: the first line must be 'version: ...'");
        var sections = new Dictionary<string, string>(StringComparer.Ordinal);
        string? current = null;
        var sb = new StringBuilder();
        foreach (var line in lines.Skip(1))
        {
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                if (current is not null) sections[current] = sb.ToString().TrimEnd();
                current = line[3..].Trim();
                sb.Clear();
            }
            else sb.AppendLine(line);
        }
        if (current is not null) sections[current] = sb.ToString().TrimEnd();
        foreach (var required in new[] { "system", "user" })
            if (!sections.ContainsKey(required)) throw new UserError($"{path}: no '## {required}' section");
        return new PromptTemplate(lines[0]["version:".Length..].Trim(), sections);
    }

    public bool Has(string section) => _sections.ContainsKey(section);

    public string Render(string section, IReadOnlyDictionary<string, string?> values)
    {
        string text = _sections[section];
        text = Conditional().Replace(text, m => values.GetValueOrDefault(m.Groups[1].Value) is { Length: > 0 } ? m.Groups[2].Value : "");
        return Placeholder().Replace(text, m => values.GetValueOrDefault(m.Groups[1].Value) ?? "").Trim();
    }

    [GeneratedRegex(@"\{\{#(\w+)\}\}\r?\n?(.*?)\{\{/\1\}\}\r?\n?", RegexOptions.Singleline)]
    private static partial Regex Conditional();

    [GeneratedRegex(@"\{\{(\w+)\}\}")]
    private static partial Regex Placeholder();
}

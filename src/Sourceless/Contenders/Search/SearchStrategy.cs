using System.Globalization;
using System.Text.RegularExpressions;

namespace Sourceless.Contenders.Search;

/// <summary>
/// How an AI contender may spend more effort on one generation, named as a suffix of the contender:
/// <c>@best:K</c> draws up to K candidates and keeps the first that passes the visible cases (else
/// the one passing most); <c>@repair:N</c> sends a failing build or a failing visible case back to
/// the model, up to N more rounds (llm contenders). Either way only the hidden cases score.
/// </summary>
public sealed partial record SearchStrategy(string Kind, int N)
{
    public const string Best = "best", Repair = "repair";
    public const int MaxCandidates = 64, MaxRounds = 10;

    /// <summary>How the suffixes are written, for help and errors.</summary>
    public const string Syntax = "@best:K (K from 2 to 64) or @repair:N (N from 1 to 10, llm only)";

    public string Suffix => $"@{Kind}:{N.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The contender name without its strategy, and the strategy (null when it has none).
    /// A malformed suffix is a <see cref="UserError"/> naming the choices.</summary>
    public static (string Base, SearchStrategy? Strategy) Split(string name)
    {
        // The suffix is the last "@word:value" where the value has no '/' or '#' (so the
        // user@host part of an endpoint URL is not taken for one).
        var m = SuffixPattern().Match(name);
        if (!m.Success) return (name, null);
        string baseName = name[..m.Index], kind = m.Groups["kind"].Value, value = m.Groups["n"].Value;
        if (SuffixPattern().IsMatch(baseName)) throw new UserError($"contender '{name}': one search strategy per contender ({Syntax})");
        if (kind is not (Best or Repair))
        {
            // "llm:http://user@host:8080" holds an '@' of its own: only other kinds get the error.
            if (IsLlm(name)) return (name, null);
            throw new UserError($"contender '{name}': unknown search strategy '@{kind}' (choices: {Syntax})");
        }
        (int lo, int hi) = kind == Best ? (2, MaxCandidates) : (1, MaxRounds);
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < lo || n > hi)
            throw new UserError($"contender '{name}': @{kind} takes a whole number from {lo} to {hi}, got '{value}' (strategies: {Syntax})");
        return (baseName, new SearchStrategy(kind, n));
    }

    /// <summary>The name without a strategy suffix, never throwing (for telling the kind).</summary>
    public static string BaseOf(string name) =>
        SuffixPattern().Match(name) is { Success: true } m && (m.Groups["kind"].Value is Best or Repair || !IsLlm(name)) ? name[..m.Index] : name;

    private static bool IsLlm(string name) => name.StartsWith(Llm.LlmContender.Kind.Word + ":", StringComparison.Ordinal);

    [GeneratedRegex(@"@(?<kind>[A-Za-z]+):(?<n>[^@/#]*)$")]
    private static partial Regex SuffixPattern();
}

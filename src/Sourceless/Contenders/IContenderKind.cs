namespace Sourceless.Contenders;

/// <summary>
/// A kind of contender as named on the command line: it owns its name or prefix ("gcc",
/// "noisy:P", "llm:URL#mode"), the parsing of its argument, its help line, and how to build one.
/// Adding a kind is one file (the contender with its kind) and one line in
/// <see cref="ContenderRegistry.Kinds"/>; nothing else names the prefix (docs/architecture.md).
/// </summary>
public interface IContenderKind
{
    /// <summary>The word before the colon ("noisy"), or the whole name of a kind without argument ("gcc").</summary>
    string Prefix { get; }

    /// <summary>How it is written, for help and errors: "noisy:P".</summary>
    string Syntax { get; }

    /// <summary>One line of help: what it is and what its argument means.</summary>
    string Help { get; }

    /// <summary>Whether a name given on the command line is of this kind (before any validation).</summary>
    bool Matches(string name) => name == Prefix || name.StartsWith(Prefix + ":", StringComparison.Ordinal);

    /// <summary>The name in canonical spelling, or a <see cref="UserError"/> that says what is wrong.</summary>
    string Canonical(string name);

    /// <summary>The contender of a canonical name.</summary>
    IContender Create(string canonical, ContenderContext context);

    /// <summary>The search strategies a contender of this canonical name can use
    /// (<see cref="Search.SearchStrategy"/>): <c>best</c> when it draws different candidates from
    /// different seeds, <c>repair</c> when it can take feedback in a conversation; none for a
    /// deterministic one (a compiler, greedy decoding).</summary>
    IReadOnlyList<string> Strategies(string canonical) => [];

    /// <summary>The kind's own options on <c>trial</c> (for example --llm-model), added to the
    /// command by the registry; none for most kinds.</summary>
    IReadOnlyList<System.CommandLine.Option> Options => [];

    /// <summary>The kind's settings read from its options, validated, as the JSON stored once with
    /// the trial's settings (<see cref="ContenderContext.SettingsOf"/> gives it back to
    /// <see cref="Create"/>); null for a kind without options.</summary>
    string? ReadOptions(System.CommandLine.ParseResult result) => null;
}

/// <summary>What building a contender may need: the shared services, the compilers (a contender
/// may stand on one), and the settings of kinds that have their own options.</summary>
public sealed record ContenderContext(
    ContenderServices Services,
    IReadOnlyDictionary<string, IContender> Compilers,
    IReadOnlyDictionary<string, string> KindSettings,
    string CacheDir)
{
    /// <summary>The stored settings of a kind (its <see cref="IContenderKind.ReadOptions"/>), or null
    /// when the trial stored none (the kind's defaults apply).</summary>
    public string? SettingsOf(string prefix) => KindSettings.GetValueOrDefault(prefix);
}

namespace Sourceless.Contenders;

/// <summary>Turns contender names from the command line into contenders, through the registered
/// kinds (<see cref="IContenderKind"/>): each kind parses and names its own.</summary>
public static class ContenderRegistry
{
    /// <summary>Every kind, one line each: the registration.</summary>
    public static readonly IReadOnlyList<IContenderKind> Kinds =
    [
        new CompilerContender.Kind("gcc"),
        new CompilerContender.Kind("clang"),
        new NoisyContender.Kind(),
        new NeuralContender.Kind(),
        new Llm.LlmContender.Kind(),
    ];

    /// <summary>The contenders of a trial when none are named.</summary>
    public const string Defaults = "gcc,clang,noisy:0.001,neural";

    public static IReadOnlyList<string> Known => Kinds.Select(k => k.Syntax).ToList();

    /// <summary>Help for --contenders: the defaults and every kind with its line.</summary>
    public static string HelpText =>
        $"Comma-separated contenders (default: {Defaults}). " + string.Join("; ", Kinds.Select(k => $"{k.Syntax}: {k.Help}")) + ".";

    /// <summary>The kind a name is of, or null.</summary>
    public static IContenderKind? KindOf(string name) => Kinds.FirstOrDefault(k => k.Matches(name));

    /// <summary>Validates names and returns them in canonical spelling, without building anything.</summary>
    public static IReadOnlyList<string> ParseNames(string? text)
    {
        var result = new List<string>();
        foreach (var name in (string.IsNullOrWhiteSpace(text) ? Defaults : text).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var kind = KindOf(name) ?? throw new UserError($"unknown contender '{name}' (known: {string.Join(", ", Known)})");
            string canonical = kind.Canonical(name);
            if (result.Contains(canonical)) throw new UserError($"contender '{canonical}' given twice");
            result.Add(canonical);
        }
        if (result.Count == 0) throw new UserError("--contenders: name at least one contender");
        return result;
    }

    /// <summary>Every kind's own options, for the trial command.</summary>
    public static IEnumerable<System.CommandLine.Option> Options => Kinds.SelectMany(k => k.Options);

    /// <summary>The settings of every kind that has options, keyed by prefix, as stored with the trial.</summary>
    public static IReadOnlyDictionary<string, string> ReadOptions(System.CommandLine.ParseResult result) =>
        Kinds.Select(k => (k.Prefix, Json: k.ReadOptions(result))).Where(x => x.Json is not null)
            .ToDictionary(x => x.Prefix, x => x.Json!, StringComparer.Ordinal);

    /// <param name="kindSettings">Each kind's stored settings by prefix (<see cref="ReadOptions"/>); a
    /// kind missing here uses its defaults.</param>
    public static IReadOnlyList<IContender> Parse(string? text, ContenderServices services, IReadOnlyDictionary<string, string>? kindSettings = null, string? cacheDir = null)
    {
        var compilers = new Dictionary<string, IContender>(StringComparer.Ordinal);
        foreach (var kind in Kinds.OfType<CompilerContender.Kind>()) compilers[kind.Prefix] = new CompilerContender(kind.Prefix, services);
        var context = new ContenderContext(services, compilers, kindSettings ?? new Dictionary<string, string>(), cacheDir ?? Corpus.CorpusOptions.DefaultCache);
        return ParseNames(text).Select(name => compilers.TryGetValue(name, out var compiler) ? compiler : KindOf(name)!.Create(name, context)).ToList();
    }
}

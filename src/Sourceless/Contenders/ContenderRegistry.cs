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

    /// <summary>The contenders of a trial when none are named. neural:0.8@best:8 is the strongest
    /// fair built-in AI side: it samples, runs each candidate on the visible cases and keeps the first
    /// that passes them (scored on the hidden ones only). K is 8, not 16, to keep the default trial
    /// within fifteen minutes on two cores: 1,685 candidates took 32 s of generation and 6 s of the
    /// search experiment here.</summary>
    public const string Defaults = "gcc,clang,noisy:0.001,neural,neural:0.8@best:8";

    public static IReadOnlyList<string> Known => Kinds.Select(k => k.Syntax).ToList();

    /// <summary>Help for --contenders: the defaults and every kind with its line.</summary>
    public static string HelpText =>
        $"Comma-separated contenders (default: {Defaults}). " + string.Join("; ", Kinds.Select(k => $"{k.Syntax}: {k.Help}")) +
        $". A sampling AI contender may search: suffix {Search.SearchStrategy.Syntax}, e.g. neural:0.8@best:16 or llm:URL#asm@repair:3.";

    /// <summary>The kind a name is of (a search suffix aside), or null.</summary>
    public static IContenderKind? KindOf(string name)
    {
        string baseName = Search.SearchStrategy.BaseOf(name);
        return Kinds.FirstOrDefault(k => k.Matches(baseName));
    }

    /// <summary>Validates names and returns them in canonical spelling, without building anything.</summary>
    public static IReadOnlyList<string> ParseNames(string? text)
    {
        var result = new List<string>();
        foreach (var name in (string.IsNullOrWhiteSpace(text) ? Defaults : text).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var (baseName, strategy) = Search.SearchStrategy.Split(name);
            var kind = KindOf(baseName) ?? throw new UserError($"unknown contender '{baseName}' (known: {string.Join(", ", Known)})");
            string canonical = kind.Canonical(baseName);
            if (strategy is not null)
            {
                if (!kind.Strategies(canonical).Contains(strategy.Kind))
                    throw new UserError($"contender '{name}': {canonical} cannot use @{strategy.Kind}: " + (strategy.Kind == Search.SearchStrategy.Repair
                        ? "repair sends feedback in a conversation, which only llm:URL#mode contenders hold"
                        : "it makes the same code from every seed; @best applies to contenders that sample: noisy:P (P > 0), neural:T (T > 0), llm:URL#mode") +
                        $" (strategies: {Search.SearchStrategy.Syntax})");
                canonical += strategy.Suffix;
            }
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
        return ParseNames(text).Select(name =>
        {
            var (baseName, strategy) = Search.SearchStrategy.Split(name);
            var contender = compilers.TryGetValue(baseName, out var compiler) ? compiler : KindOf(baseName)!.Create(baseName, context);
            return strategy?.Kind switch
            {
                null => contender,
                Search.SearchStrategy.Best => new Search.BestOfContender(contender, strategy.N),
                _ => contender is Search.IRepairable r ? r.WithRepair(strategy.N)
                    : throw new InvalidOperationException($"{baseName} allows @repair but cannot repair"),
            };
        }).ToList();
    }
}

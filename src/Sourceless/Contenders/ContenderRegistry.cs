using System.Globalization;

namespace Sourceless.Contenders;

/// <summary>Turns contender names from the command line into contenders. Known: gcc, clang,
/// noisy:P (P a bit-flip rate in [0, 1]), neural and neural:T (the built-in model, greedy or at
/// temperature T).</summary>
public static class ContenderRegistry
{
    public const string Defaults = "gcc,clang,noisy:0.001,neural";

    public static readonly IReadOnlyList<string> Known = ["gcc", "clang", "noisy:P", "neural", "neural:T", "llm:URL#hex|asm|c"];

    /// <summary>Validates names and returns them in canonical spelling, without building anything.</summary>
    public static IReadOnlyList<string> ParseNames(string? text)
    {
        var result = new List<string>();
        foreach (var name in (string.IsNullOrWhiteSpace(text) ? Defaults : text).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string canonical = name switch
            {
                "gcc" or "clang" => name,
                _ when name.StartsWith("noisy:", StringComparison.Ordinal) => "noisy:" + ParseRate(name).ToString("0.######", CultureInfo.InvariantCulture),
                "neural" => name,
                _ when name.StartsWith("llm:", StringComparison.Ordinal) => Llm.LlmSettings.CanonicalName(name),
                _ when name.StartsWith("neural:", StringComparison.Ordinal) => ParseTemperature(name) is var t && t == 0 ? "neural" : "neural:" + t.ToString("0.###", CultureInfo.InvariantCulture),
                _ => throw new UserError($"unknown contender '{name}' (known: {string.Join(", ", Known)})"),
            };
            if (result.Contains(canonical)) throw new UserError($"contender '{canonical}' given twice");
            result.Add(canonical);
        }
        if (result.Count == 0) throw new UserError("--contenders: name at least one contender");
        return result;
    }

    public static IReadOnlyList<IContender> Parse(string? text, ContenderServices services, Llm.LlmSettings? llm = null, string? cacheDir = null)
    {
        var compilers = new Dictionary<string, IContender>
        {
            ["gcc"] = new CompilerContender("gcc", services),
            ["clang"] = new CompilerContender("clang", services),
        };
        return ParseNames(text).Select(name => name switch
        {
            _ when name.StartsWith("noisy:", StringComparison.Ordinal) => new NoisyContender(ParseRate(name), compilers),
            "neural" => new NeuralContender(0, NeuralContender.DefaultCheckpointPath),
            _ when name.StartsWith("llm:", StringComparison.Ordinal) =>
                new Llm.LlmContender(name, llm ?? Llm.LlmSettings.Default, services, cacheDir ?? Corpus.CorpusOptions.DefaultCache),
            _ when name.StartsWith("neural:", StringComparison.Ordinal) => new NeuralContender(ParseTemperature(name), NeuralContender.DefaultCheckpointPath),
            _ => compilers[name],
        }).ToList();
    }

    private static double ParseTemperature(string name)
    {
        string text = name["neural:".Length..];
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double t) || t < 0 || t > 5 || double.IsNaN(t))
            throw new UserError($"contender '{name}': T must be a sampling temperature between 0 and 5, e.g. neural:0.7");
        return t;
    }

    private static double ParseRate(string name)
    {
        string text = name["noisy:".Length..];
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double p) || p < 0 || p > 1 || double.IsNaN(p))
            throw new UserError($"contender '{name}': P must be a bit-flip rate between 0 and 1, e.g. noisy:0.001");
        return p;
    }
}

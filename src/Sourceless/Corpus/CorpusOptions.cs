using System.Globalization;
using Sourceless.Targets;

namespace Sourceless.Corpus;

/// <summary>What a corpus run makes: which programs, for which targets, into which folder, and
/// which slice (--shard K/N) of the deterministic partition.</summary>
public sealed record CorpusOptions(
    IReadOnlyList<string> Sources,
    IReadOnlyList<int> Tiers,
    int Count,
    IReadOnlyList<Target> Targets,
    string Out,
    string Format,
    int Shard,
    int Shards,
    ulong Seed,
    int Jobs,
    int ChunkPrograms,
    string Cache)
{
    public static readonly IReadOnlyList<string> OptLevels = ["-O0", "-O1", "-O2", "-O3"];

    /// <summary>"isa/compiler/level" items with '*' wildcards over 3 ISAs x gcc, clang x -O0..-O3.</summary>
    public static IReadOnlyList<Target> ParseTargets(string? text)
    {
        var all = (from isa in Isa.All from c in Target.Compilers from o in OptLevels select new Target(isa, c, o)).ToList();
        var result = new List<Target>();
        foreach (var item in (string.IsNullOrWhiteSpace(text) ? "x86_64/gcc/-O2" : text).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = item.Split('/');
            if (parts.Length != 3) throw new UserError($"--targets: '{item}' is not isa/compiler/level");
            var match = all.Where(t => (parts[0] == "*" || t.Isa.Name == parts[0]) && (parts[1] == "*" || t.Compiler == parts[1]) && (parts[2] == "*" || t.OptLevel == parts[2])).ToList();
            if (match.Count == 0) throw new UserError($"--targets: '{item}' matches no target (ISAs {string.Join(", ", Isa.All.Select(i => i.Name))}; gcc, clang; {string.Join(", ", OptLevels)})");
            result.AddRange(match.Where(t => !result.Contains(t)));
        }
        return result;
    }

    public static (int K, int N) ParseShard(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return (0, 1);
        var parts = text.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int k)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1 && k < n)
            return (k, n);
        throw new UserError($"--shard: expected K/N with 0 <= K < N, got '{text}'");
    }

    public static IReadOnlyList<int> ParseTiers(string? text)
    {
        var tiers = new List<int>();
        foreach (var t in (string.IsNullOrWhiteSpace(text) ? "1" : text).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out int v) || v is < 1 or > ExprGen.MaxTier) throw new UserError($"--tiers: expected exprgen tiers 1 to {ExprGen.MaxTier} (1-3 expressions, 4 loops/arrays/structs over ints, 5 pointer, string and struct parameters), got '{t}'");
            if (!tiers.Contains(v)) tiers.Add(v);
        }
        return tiers;
    }

    /// <summary>The settings that define the corpus's content (not where or how fast it is made):
    /// a folder holds one corpus, and a re-run with other settings is refused, not mixed in.</summary>
    public string Identity => string.Join('\n',
        "sources=" + string.Join(',', Sources), "tiers=" + string.Join(',', Tiers), "count=" + Count.ToString(CultureInfo.InvariantCulture),
        "targets=" + string.Join(',', Targets.Select(t => t.Id)), "seed=" + Seed.ToString(CultureInfo.InvariantCulture),
        "shard=" + Shard.ToString(CultureInfo.InvariantCulture) + "/" + Shards.ToString(CultureInfo.InvariantCulture),
        "chunk=" + ChunkPrograms.ToString(CultureInfo.InvariantCulture), "format=" + Format);

    public static string DefaultCache =>
        Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } x ? x
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "sourceless", "corpus");
}

using System.Text.Json.Serialization;
using Sourceless.Corpus;

namespace Sourceless.Neural;

/// <summary>
/// How part of a training corpus was made, enough to make its sources again without the corpus
/// files: exprgen programs 0..Count-1 of one tier and seed. A checkpoint records its recipes, so
/// <c>neural eval</c> tells held-out functions the model has seen from unseen ones with nothing but
/// the checkpoint (the honest figure is the unseen one). Other origins (tasks, Csmith, folders) are
/// counted but cannot be made again; eval says so.
/// </summary>
public sealed record CorpusRecipe(
    [property: JsonPropertyName("generator")] string Generator,
    [property: JsonPropertyName("tier")] int Tier,
    [property: JsonPropertyName("seed")] ulong Seed,
    [property: JsonPropertyName("count")] long Count)
{
    public const string ExprGenerator = "exprgen";

    /// <summary>The recipes behind a training set's program ids ("exprgen/t1/11/42"): per tier and
    /// seed, programs up to the highest index seen (a program that failed to compile is counted
    /// too, which can only mark a held-out function seen that was not: the unseen figure stays honest).</summary>
    public static IReadOnlyList<CorpusRecipe> Of(IEnumerable<string> programIds)
    {
        var most = new Dictionary<(int Tier, ulong Seed), long>();
        var other = 0L;
        foreach (string id in programIds)
        {
            if (ExprGen.ParseId(id) is var (tier, seed, index))
                most[(tier, seed)] = Math.Max(most.GetValueOrDefault((tier, seed), -1), index);
            else other++;
        }
        var recipes = most.OrderBy(kv => kv.Key.Tier).ThenBy(kv => kv.Key.Seed).Select(kv => new CorpusRecipe(ExprGenerator, kv.Key.Tier, kv.Key.Seed, kv.Value + 1)).ToList();
        if (other > 0) recipes.Add(new CorpusRecipe("other", 0, 0, other));
        return recipes;
    }

    /// <summary>Both lists as one: per generator, tier and seed the larger count (exprgen program i
    /// of a seed is the same text in every corpus that has it).</summary>
    public static IReadOnlyList<CorpusRecipe> Union(IReadOnlyList<CorpusRecipe> a, IReadOnlyList<CorpusRecipe> b) =>
        [.. a.Concat(b).GroupBy(r => (r.Generator, r.Tier, r.Seed)).Select(g => g.MaxBy(r => r.Count)!)
            .OrderBy(r => r.Generator == ExprGenerator ? 0 : 1).ThenBy(r => r.Tier).ThenBy(r => r.Seed)];

    /// <summary>Every function body the recipes make (<see cref="TrainingSet.BodyOf"/>), or null when
    /// some part of the corpus cannot be made again (then seen and unseen cannot be told apart).</summary>
    public static IReadOnlySet<string>? Bodies(IReadOnlyList<CorpusRecipe> recipes)
    {
        if (recipes.Count == 0 || recipes.Any(r => r.Generator != ExprGenerator)) return null;
        var bodies = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in recipes)
            for (long i = 0; i < r.Count; i++)
                bodies.Add(TrainingSet.BodyOf(ExprGen.Program(r.Seed, r.Tier, i).Source, $"f{i}"));
        return bodies;
    }
}

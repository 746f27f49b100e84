using System.Text.RegularExpressions;
using Sourceless.Corpus;

namespace Sourceless.Neural;

/// <summary>One training pair as tokens: prompt (BOS, target tag, source, SEP), then the code
/// bytes and EOS. <see cref="Body"/> is the source with the function's name taken out, so that a
/// held-out function can be checked against everything the model saw.</summary>
public sealed record Example(int[] Tokens, int CompletionStart, string Body);

/// <summary>
/// The pairs of one or more corpus folders that fit the model: exprgen records of each program's
/// own function (a static helper's record shares its program's source, so its prompt would be
/// ambiguous), other origins as they are, and only sequences that fit the context.
/// </summary>
public sealed partial class TrainingSet
{
    public IReadOnlyList<Example> Examples { get; }
    public int TooLong { get; }
    public IReadOnlySet<string> Bodies { get; }
    public IReadOnlyList<string> Targets { get; }
    /// <summary>How the corpus was made (recorded in the checkpoint).</summary>
    public IReadOnlyList<CorpusRecipe> Recipes { get; }

    private TrainingSet(List<Example> examples, int tooLong, IReadOnlyList<string> targets, IReadOnlyList<CorpusRecipe> recipes)
    {
        Examples = examples;
        Recipes = recipes;
        TooLong = tooLong;
        Bodies = examples.Select(e => e.Body).ToHashSet(StringComparer.Ordinal);
        Targets = targets;
    }

    public static async Task<TrainingSet> LoadAsync(IReadOnlyList<string> folders, ISet<int>? tiers, int context, int limit, CancellationToken ct)
    {
        var examples = new List<Example>();
        var targets = new SortedSet<string>(StringComparer.Ordinal);
        var programs = new List<string>();
        int tooLong = 0;
        foreach (var folder in folders)
        {
            if (!Directory.Exists(folder)) throw new UserError($"corpus folder {folder} does not exist (make one with: sourceless corpus --out {folder})");
            var files = ShardFiles.List(folder);
            if (files.Count == 0) throw new UserError($"{folder} holds no corpus files");
            foreach (var file in files)
            {
                foreach (var r in await ShardFiles.ReadAsync(file, ct))
                {
                    if (examples.Count >= limit) break;
                    if (tiers is not null && !tiers.Contains(r.Tier)) continue;
                    if (r.Origin == "exprgen" && r.Function != $"f{r.ProgramIndex}") continue;
                    var (tokens, start) = Tokenizer.Example(r.Source, Tokenizer.Tag(r.Isa, r.Compiler, r.Opt), r.Bytes);
                    if (tokens.Length > context) { tooLong++; continue; }
                    examples.Add(new Example(tokens, start, BodyOf(r.Source, r.Function)));
                    programs.Add(r.ProgramId);
                    targets.Add(r.Target);
                }
            }
        }
        if (examples.Count == 0) throw new UserError($"no usable pairs in {string.Join(", ", folders)} (tiers, context {context})");
        return new TrainingSet(examples, tooLong, [.. targets], CorpusRecipe.Of(programs));
    }

    /// <summary>The normalised source with the function's own name replaced: two programs that
    /// differ only in that name are the same function.</summary>
    public static string BodyOf(string source, string function) =>
        Regex.Replace(Tokenizer.Normalize(source), $@"\b{Regex.Escape(function)}\b", "F");

    /// <summary>The batches of one epoch: a seeded shuffle, then runs of similar length so little
    /// of a batch is padding, then the batches themselves shuffled. A pure function of the seed and
    /// the epoch, which is what makes a resumed run continue exactly where it stopped.</summary>
    public IReadOnlyList<int[]> Epoch(ulong seed, long epoch, int batchSize)
    {
        var rng = new Tasks.SplitMix64(Tasks.SplitMix64.SeedFrom(seed, "epoch", epoch));
        int[] order = [.. Enumerable.Range(0, Examples.Count)];
        Shuffle(order, rng);
        var batches = new List<int[]>();
        foreach (var run in order.Chunk(batchSize * 32))
            batches.AddRange(run.OrderBy(i => Examples[i].Tokens.Length).ThenBy(i => i).Chunk(batchSize));
        var shuffled = batches.ToArray();
        Shuffle(shuffled, rng);
        return shuffled;
    }

    private static void Shuffle<T>(T[] a, Tasks.SplitMix64 rng)
    {
        for (int i = a.Length - 1; i > 0; i--)
        {
            int j = rng.Next(i + 1);
            (a[i], a[j]) = (a[j], a[i]);
        }
    }
}

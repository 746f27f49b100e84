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
/// ambiguous), other origins as they are, and only sequences that fit the context. A record
/// whose bytes carry relocations (a constant pool in .rodata, a call to malloc) is left out: its
/// bytes are not a bare image that runs alone (docs/bare-bytes-contract.md), so copying them
/// would teach the model code that cannot work.
/// </summary>
public sealed partial class TrainingSet
{
    public IReadOnlyList<Example> Examples { get; }
    public int TooLong { get; }
    /// <summary>Records left out because their bytes need relocations to run.</summary>
    public int Relocated { get; }
    public IReadOnlySet<string> Bodies { get; }
    public IReadOnlyList<string> Targets { get; }
    /// <summary>How the corpus was made (recorded in the checkpoint).</summary>
    public IReadOnlyList<CorpusRecipe> Recipes { get; }

    private TrainingSet(List<Example> examples, int tooLong, int relocated, IReadOnlyList<string> targets, IReadOnlyList<CorpusRecipe> recipes)
    {
        Relocated = relocated;
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
        int tooLong = 0, relocated = 0;
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
                    if (r.Origin == "exprgen" && r.Function != ExprGen.OwnFunction(r.ProgramId)) continue;
                    // The program still counts in the recipe (programs below): marking a held-out
                    // function seen that was not can only lower the unseen figure.
                    programs.Add(r.ProgramId);
                    if (HasRelocations(r.Relocations)) { relocated++; continue; }
                    var (tokens, start) = Tokenizer.Example(r.Source, Tokenizer.Tag(r.Isa, r.Compiler, r.Opt), r.Bytes);
                    if (tokens.Length > context) { tooLong++; continue; }
                    examples.Add(new Example(tokens, start, BodyOf(r.Source, r.Function)));
                    targets.Add(r.Target);
                }
            }
        }
        if (examples.Count == 0) throw new UserError($"no usable pairs in {string.Join(", ", folders)} (tiers, context {context})");
        return new TrainingSet(examples, tooLong, relocated, [.. targets], CorpusRecipe.Of(programs));
    }

    /// <summary>Relocations the assembler writes for branches inside the function (riscv64 keeps
    /// them for the linker's relaxation) with the offsets already in the bytes: they need nothing.</summary>
    private static readonly HashSet<string> Resolved = new(StringComparer.Ordinal)
        { "R_RISCV_BRANCH", "R_RISCV_JAL", "R_RISCV_RVC_BRANCH", "R_RISCV_RVC_JUMP", "R_RISCV_RELAX", "R_RISCV_ALIGN" };

    /// <summary>Whether a record's relocations (as stored: a JSON array of {offset, type, symbol,
    /// addend}) leave anything for a linker to fill in: a constant pool, a call, a global.</summary>
    public static bool HasRelocations(string relocations)
    {
        if (relocations.AsSpan().Trim().Length <= 2) return false;
        using var doc = System.Text.Json.JsonDocument.Parse(relocations);
        return doc.RootElement.EnumerateArray().Any(r => !(r.TryGetProperty("type", out var t) && Resolved.Contains(t.GetString() ?? "")));
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

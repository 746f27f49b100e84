using Sourceless.Corpus;
using Sourceless.Targets;

namespace Sourceless.Neural;

/// <summary>One held-out function: its source, the compiler's bytes for it, the compiler's
/// answers on the hidden inputs, and whether the same function body was in the training set.</summary>
public sealed record HeldOutItem(string Id, int Tier, string Source, string Function, Target Target, byte[] Reference, int[]? Expected, bool Seen);

/// <summary>
/// Held-out exprgen functions: programs of a seed the training corpus does not use, compiled by
/// the real compiler for the target, with the expected values from <see cref="ExprJudge"/>.
/// Functions whose compiled bytes carry relocations are left out (fewer than the count asked for
/// come back; tier 4's vectorised loops and constant arrays read .rodata).
/// A function whose body also occurs in the training set is marked, so that results can be given
/// on unseen functions alone.
/// </summary>
public static class HeldOut
{
    public const ulong DefaultSeed = 424242;

    public static async Task<IReadOnlyList<HeldOutItem>> BuildAsync(IEnumerable<int> tiers, int count, ulong seed, Target target,
        CorpusCompiler compiler, ExprJudge judge, IReadOnlySet<string>? trainingBodies, CancellationToken ct)
    {
        var items = new List<HeldOutItem>();
        foreach (int tier in tiers)
        {
            var programs = Enumerable.Range(0, count).Select(i => ExprGen.Program(seed, tier, i)).ToList();
            var compiled = new CorpusCompiler.Result[programs.Count];
            var batches = Enumerable.Range(0, programs.Count).Chunk(CorpusCompiler.Batch).ToList();
            await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = ct }, async (batch, token) =>
            {
                var results = await compiler.CompileAsync([.. batch.Select(i => programs[i])], target, token);
                for (int k = 0; k < batch.Length; k++) compiled[batch[k]] = results[k];
            });
            var usable = new List<(CorpusProgram Program, byte[] Bytes)>();
            for (int i = 0; i < programs.Count; i++)
            {
                var f = compiled[i].Functions.FirstOrDefault(x => x.Name == $"f{programs[i].Index}");
                // Bytes that need relocations (a constant pool, a call) do not run alone: not even the
                // compiler's own would pass, so such a function tests nothing.
                if (compiled[i].Failure is null && f is not null && !TrainingSet.HasRelocations(f.Relocations)) usable.Add((programs[i], f.Bytes));
            }
            var expected = await judge.ExpectedAsync(target, [.. usable.Select(u => (u.Program.Source, $"f{u.Program.Index}"))], ct);
            for (int i = 0; i < usable.Count; i++)
            {
                // The compiler's own build did not give answers (it hung or crashed: a loop whose
                // arithmetic overflows is undefined, and gcc may drop its bound): nothing to test.
                if (expected[i] is null) continue;
                var (p, bytes) = usable[i];
                string fn = $"f{p.Index}";
                items.Add(new HeldOutItem(p.Id, tier, p.Source, fn, target, bytes, expected[i],
                    trainingBodies?.Contains(TrainingSet.BodyOf(p.Source, fn)) ?? false));
            }
        }
        return items;
    }
}

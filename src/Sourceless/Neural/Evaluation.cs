using System.Globalization;

namespace Sourceless.Neural;

/// <summary>The model's answer for one held-out function and what it did.</summary>
public sealed record EvaluatedItem(HeldOutItem Item, byte[] Bytes, bool Finished, bool ExactMatch, bool Passed, string Outcome);

/// <summary>Exact-match and pass rates, on all held-out functions and on the unseen ones.</summary>
public sealed record EvaluationSummary(int Count, int Exact, int Passed, int UnseenCount, int UnseenExact, int UnseenPassed)
{
    public double ExactRate => Count == 0 ? 0 : (double)Exact / Count;
    public double PassRate => Count == 0 ? 0 : (double)Passed / Count;
    public double UnseenPassRate => UnseenCount == 0 ? 0 : (double)UnseenPassed / UnseenCount;

    // Unseen first: on functions it saw in training a model can pass by recall.
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"unseen: pass {UnseenPassed}/{UnseenCount} ({100 * UnseenPassRate:0.0}%); all: pass {Passed}/{Count} ({100 * PassRate:0.0}%), exact {Exact}/{Count} ({100 * ExactRate:0.0}%)");

    public static EvaluationSummary Of(IReadOnlyList<EvaluatedItem> items) => new(
        items.Count, items.Count(i => i.ExactMatch), items.Count(i => i.Passed),
        items.Count(i => !i.Item.Seen), items.Count(i => !i.Item.Seen && i.ExactMatch), items.Count(i => !i.Item.Seen && i.Passed));
}

/// <summary>Generates for every held-out function (greedy unless told otherwise) and judges the
/// bytes on the hidden inputs in the sandbox. A prompt too long for the context is a failure of
/// the model, recorded as such.</summary>
public static class Evaluation
{
    /// <summary>Most code bytes one held-out answer may have, in training's evaluations and in
    /// <c>neural eval</c> alike (tier 4's compiled functions reach about 300).</summary>
    public const int MaxCodeTokens = 384;

    public static async Task<IReadOnlyList<EvaluatedItem>> RunAsync(Transformer model, IReadOnlyList<HeldOutItem> items, ExprJudge judge,
        SamplingOptions sampling, CancellationToken ct)
    {
        var outputs = Generate(model, items.Select(i => Tokenizer.Prompt(i.Source, Tokenizer.Tag(i.Target))).ToList(), sampling);
        var result = new EvaluatedItem[items.Count];
        foreach (var group in Enumerable.Range(0, items.Count).GroupBy(i => items[i].Target.Isa))
        {
            var idx = group.ToList();
            var verdicts = await judge.RunAsync(group.Key, [.. idx.Select(i => outputs[i]?.Bytes ?? [])], ct);
            for (int k = 0; k < idx.Count; k++)
            {
                int i = idx[k];
                var item = items[i];
                var o = outputs[i];
                if (o is null) { result[i] = new EvaluatedItem(item, [], false, false, false, "prompt_too_long"); continue; }
                bool exact = o.Bytes.AsSpan().SequenceEqual(item.Reference);
                bool passed = verdicts[k].Passes(item.Expected);
                result[i] = new EvaluatedItem(item, o.Bytes, o.Finished, exact, passed,
                    passed ? "passed" : verdicts[k].Outcome == "ok" ? "wrong_output" : verdicts[k].Outcome);
            }
        }
        return result;
    }

    /// <summary>
    /// <c>@best:K</c> on held-out functions, as a searching contender does on a task: K samples per
    /// function (seeded), each run on all inputs in the sandbox; the pick is the first sample right
    /// on the visible inputs (<see cref="ExprJudge.Visible"/>), or the first sample when none is; it
    /// passes when it is right on every hidden input. Only the hidden inputs score, so a search that
    /// filters on the visible ones cannot pass by having seen the answers. K = 1 at temperature 0 is
    /// greedy decoding scored the same way, the like-for-like comparison.
    /// </summary>
    public static async Task<IReadOnlyList<EvaluatedItem>> BestOfAsync(Transformer model, IReadOnlyList<HeldOutItem> items, ExprJudge judge,
        int k, double temperature, ulong seed, CancellationToken ct)
    {
        var prompts = items.SelectMany(i => Enumerable.Repeat(Tokenizer.Prompt(i.Source, Tokenizer.Tag(i.Target)), k)).ToList();
        var outputs = Generate(model, prompts, new SamplingOptions(temperature, MaxCodeTokens, seed));
        var result = new EvaluatedItem[items.Count];
        foreach (var group in Enumerable.Range(0, items.Count).GroupBy(i => items[i].Target.Isa))
        {
            var idx = group.ToList();
            var verdicts = await judge.RunAsync(group.Key, [.. idx.SelectMany(i => Enumerable.Range(0, k).Select(s => outputs[i * k + s]?.Bytes ?? []))], ct);
            for (int n = 0; n < idx.Count; n++)
            {
                int i = idx[n];
                var item = items[i];
                if (outputs[i * k] is null) { result[i] = new EvaluatedItem(item, [], false, false, false, "prompt_too_long"); continue; }
                int pick = Enumerable.Range(0, k).FirstOrDefault(s => verdicts[n * k + s].PassesOn(item.Expected, ExprJudge.Visible), -1);
                int chosen = Math.Max(pick, 0);
                var o = outputs[i * k + chosen]!;
                var v = verdicts[n * k + chosen];
                bool passed = pick >= 0 && v.PassesOn(item.Expected, ExprJudge.Hidden);
                result[i] = new EvaluatedItem(item, o.Bytes, o.Finished, o.Bytes.AsSpan().SequenceEqual(item.Reference), passed,
                    passed ? "passed" : pick < 0 ? "none_passed_visible" : "failed_hidden");
            }
        }
        return result;
    }

    /// <summary>The trivial baseline: the held-out set's most frequent compiler output (the first in
    /// hex order on a tie) given as the answer to every function, judged like the model's. It is
    /// picked with the answers in view, so it flatters the baseline, never the model.</summary>
    public static async Task<IReadOnlyList<EvaluatedItem>> BaselineAsync(IReadOnlyList<HeldOutItem> items, ExprJudge judge, CancellationToken ct)
    {
        if (items.Count == 0) return [];
        var bytes = items.GroupBy(i => Convert.ToHexStringLower(i.Reference)).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).First().First().Reference;
        var result = new EvaluatedItem[items.Count];
        foreach (var group in Enumerable.Range(0, items.Count).GroupBy(i => items[i].Target.Isa))
        {
            var idx = group.ToList();
            var verdicts = await judge.RunAsync(group.Key, [.. idx.Select(_ => bytes)], ct);
            for (int k = 0; k < idx.Count; k++)
            {
                var item = items[idx[k]];
                bool passed = verdicts[k].Passes(item.Expected);
                result[idx[k]] = new EvaluatedItem(item, bytes, true, bytes.AsSpan().SequenceEqual(item.Reference), passed,
                    passed ? "passed" : verdicts[k].Outcome == "ok" ? "wrong_output" : verdicts[k].Outcome);
            }
        }
        return result;
    }

    /// <summary>Generates in chunks of 64 prompts (the key/value cache of a chunk stays small);
    /// null where the prompt does not fit the context.</summary>
    public static Decoder.Output?[] Generate(Transformer model, IReadOnlyList<int[]> prompts, SamplingOptions sampling)
    {
        var outputs = new Decoder.Output?[prompts.Count];
        var fits = Enumerable.Range(0, prompts.Count).Where(i => prompts[i].Length < model.Config.Context).ToList();
        var decoder = new Decoder(model);
        foreach (var chunk in fits.Chunk(64))
        {
            var made = decoder.Generate([.. chunk.Select(i => prompts[i])],
                [.. chunk.Select(i => sampling with { Seed = Tasks.SplitMix64.SeedFrom(sampling.Seed, i) })]);
            for (int k = 0; k < chunk.Length; k++) outputs[chunk[k]] = made[k];
        }
        return outputs;
    }
}

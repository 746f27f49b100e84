using Sourceless.Neural;

namespace Sourceless.Tests.Neural;

/// <summary>The hand-written backward pass against finite differences of the real forward pass
/// (OpenBLAS products and all), on a model small enough to probe every tensor.</summary>
[Trait(Quick.Trait, Quick.Value)]
public sealed class TransformerSpecs
{
    private static readonly ModelConfig Tiny = new(Vocab: 23, Context: 12, Dim: 8, Layers: 2, Heads: 2, Mlp: 16);

    private static Batch TinyBatch()
    {
        var rng = new Sourceless.Tasks.SplitMix64(5);
        var seqs = new List<(int[], int)>();
        foreach (int len in new[] { 9, 6, 11 })
            seqs.Add((Enumerable.Range(0, len).Select(_ => 1 + rng.Next(22)).ToArray(), 3));
        return Batch.From(seqs);
    }

    private static Transformer Model(bool rope = false)
    {
        var model = new Transformer(Tiny with { Rope = rope });
        model.Initialize(3);
        // Larger weights than the training start, so every path carries a gradient well above
        // float32 noise.
        var rng = new Sourceless.Tasks.SplitMix64(9);
        for (int i = 0; i < model.Weights.Length; i++) model.Weights[i] += (float)((rng.NextDouble() - 0.5) * 0.6);
        return model;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Gradients_match_central_finite_differences_in_every_tensor(bool rotaryPositions)
    {
        Blas.UseThreads(1);
        var model = Model(rotaryPositions);
        var batch = TinyBatch();
        model.ForwardBackward(batch);
        var analytic = (float[])model.Gradients.Clone();
        var layout = model.Layout;
        var l0 = layout.Layers[0];
        var l1 = layout.Layers[1];
        var tensors = new (string Name, int Start, int Length)[]
        {
            ("tok", layout.TokEmb, Tiny.Vocab * Tiny.Dim), ("pos", layout.PosEmb, Tiny.Context * Tiny.Dim),
            ("ln1g", l0.Ln1G, 8), ("ln1b", l0.Ln1B, 8), ("wqkv", l0.Wqkv, 8 * 24), ("bqkv", l0.Bqkv, 24),
            ("wo", l0.Wo, 64), ("bo", l0.Bo, 8), ("ln2g", l0.Ln2G, 8), ("w1", l0.W1, 128), ("b1", l0.B1, 16),
            ("w2", l0.W2, 128), ("b2", l0.B2, 8), ("wqkv1", l1.Wqkv, 8 * 24), ("w2_1", l1.W2, 128),
            ("lnfg", layout.LnfG, 8), ("lnfb", layout.LnfB, 8),
        };
        var rng = new Sourceless.Tasks.SplitMix64(11);
        int checkedCount = 0;
        var failures = new List<string>();
        foreach (var (name, start, length) in tensors)
        {
            for (int probe = 0; probe < 6; probe++)
            {
                int i = start + rng.Next(length);
                float keep = model.Weights[i];
                const float h = 1e-2f;
                model.Weights[i] = keep + h;
                double up = model.ForwardBackward(batch, backward: false);
                model.Weights[i] = keep - h;
                double down = model.ForwardBackward(batch, backward: false);
                model.Weights[i] = keep;
                double numeric = (up - down) / (2 * h);
                double a = analytic[i];
                double error = Math.Abs(numeric - a) / Math.Max(1e-3, Math.Abs(numeric) + Math.Abs(a));
                checkedCount++;
                if (error > 0.03) failures.Add($"{name}[{i - start}]: analytic {a:g5}, numeric {numeric:g5}");
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {checkedCount} probes disagree:\n" + string.Join("\n", failures));
        Assert.Contains(analytic, g => Math.Abs(g) > 1e-2); // the check above was not vacuous
    }

    [Fact]
    public void Same_seed_and_thread_count_give_bit_identical_training_steps()
    {
        float[] Run()
        {
            Blas.UseThreads(2);
            var model = Model();
            var opt = new AdamW(model.Layout);
            var batch = TinyBatch();
            for (int s = 0; s < 5; s++)
            {
                model.ForwardBackward(batch);
                opt.Update(model.Weights, model.Gradients, 1e-2);
            }
            return model.Weights;
        }
        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void A_few_hundred_steps_learn_a_fixed_mapping()
    {
        Blas.UseThreads(2);
        var model = new Transformer(Tiny);
        model.Initialize(1);
        var opt = new AdamW(model.Layout);
        var batch = TinyBatch();
        double first = model.ForwardBackward(batch);
        double last = first;
        for (int s = 0; s < 300; s++)
        {
            last = model.ForwardBackward(batch);
            opt.Update(model.Weights, model.Gradients, 1e-2);
        }
        Assert.True(last < 0.1 * first, $"loss {first:F3} -> {last:F3}");
    }

    [Fact]
    public void Attention_scores_far_beyond_the_range_of_exp_stay_finite()
    {
        Blas.UseThreads(1);
        var model = Model();
        var q = model.Layout.Layers[0].Wqkv;
        for (int i = q; i < q + Tiny.Dim * 3 * Tiny.Dim; i++) model.Weights[i] *= 400; // scores in the thousands
        double loss = model.ForwardBackward(TinyBatch());
        Assert.True(double.IsFinite(loss), $"loss {loss}");
        Assert.All(model.Gradients, g => Assert.True(float.IsFinite(g)));
    }
}

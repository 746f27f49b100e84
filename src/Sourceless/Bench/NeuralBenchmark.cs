using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Sourceless.Neural;

namespace Sourceless.Bench;

/// <summary>The figures of one <c>sourceless bench neural</c> run.</summary>
public sealed record NeuralBenchResult(
    ModelConfig Config, int Threads, int Batch, int Length, int Steps,
    double TrainTokensPerSecond, double StepSeconds, double GemmSecondsPerStep, long GemmFlopsPerStep,
    double GemmGflopsInTraining, double OpenBlasGflopsAlone, double BoundTokensPerSecond,
    double InferenceTokensPerSecond, int InferencePrompts, int InferenceTokens,
    int Samples, double SampledOneAtATimeTokensPerSecond, double SampledBatchTokensPerSecond)
{
    /// <summary>K samples of one prompt decoded as one batch against the same K one at a time
    /// (the cost of <c>neural:T@best:K</c> drawing its candidates).</summary>
    public double SampleBatchRatio => SampledBatchTokensPerSecond / SampledOneAtATimeTokensPerSecond;

    /// <summary>Products in training against the same products in OpenBLAS alone.</summary>
    public double GemmRatio => GemmGflopsInTraining / OpenBlasGflopsAlone;
    /// <summary>Training throughput against a step that were nothing but OpenBLAS products.</summary>
    public double ThroughputRatio => TrainTokensPerSecond / BoundTokensPerSecond;
}

/// <summary>
/// <c>sourceless bench neural</c>: training steps on a batch shaped like the corpus's (timed, with
/// every product's shape recorded), the recorded products replayed in OpenBLAS alone at the same
/// thread count (the bound a step made only of products would reach), and greedy generation with
/// the key/value cache. All in one run, so the ratios compare like with like.
/// </summary>
public static unsafe class NeuralBenchmark
{
    public static NeuralBenchResult Run(ModelConfig config, int threads, int batch, int length, int steps, TextWriter log, int samples = 16)
    {
        Neural.Rows.Use(threads);
        var model = new Transformer(config);
        model.Initialize(1);
        var optimizer = new AdamW(model.Layout);
        var rng = new Tasks.SplitMix64(7);
        var seqs = Enumerable.Range(0, batch).Select(_ =>
        {
            var prompt = Enumerable.Range(0, length * 3 / 4).Select(_ => 30 + rng.Next(90)).ToArray();
            var code = Enumerable.Range(0, length - prompt.Length).Select(_ => Tokenizer.ByteToken((byte)rng.Next(256))).ToArray();
            return (Tokens: prompt.Concat(code).Append(Tokenizer.Eos).ToArray(), CompletionStart: prompt.Length);
        }).ToList();
        var b = Batch.From(seqs);
        // Warm-up (JIT, OpenBLAS's threads, buffers), then the recorded step.
        for (int i = 0; i < 2; i++) { model.ForwardBackward(b); optimizer.Update(model.Weights, model.Gradients, 1e-4); }
        var shapes = new List<Blas.GemmShape>();
        Blas.Recorder = shapes;
        model.ForwardBackward(b);
        Blas.Recorder = null;
        Blas.ResetCounters();
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < steps; i++) { model.ForwardBackward(b); optimizer.Update(model.Weights, model.Gradients, 1e-4); }
        sw.Stop();
        double stepSeconds = sw.Elapsed.TotalSeconds / steps;
        double gemmSeconds = Blas.Seconds / steps;
        long flops = Blas.Flops / steps;
        double trainTps = b.Rows / stepSeconds;
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[bench neural] training: {trainTps:N0} tok/s, {1000 * stepSeconds:0.0} ms/step, products {1000 * gemmSeconds:0.0} ms/step ({100 * gemmSeconds / stepSeconds:0}%)"));

        double alone = Replay(shapes, Math.Max(3, steps));
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[bench neural] OpenBLAS alone on the {shapes.Count} recorded products: {alone:0.0} GFLOP/s"));
        double bound = b.Rows / (flops / (alone * 1e9));

        // Inference: 64 prompts of the corpus's length, greedy, 24 code bytes each (EOS never picked early:
        // the untrained model's choice does not matter, the work per token does).
        var prompts = Enumerable.Range(0, 64).Select(_ => seqs[0].Tokens[..seqs[0].CompletionStart]).ToList();
        var decoder = new Decoder(model);
        decoder.Generate(prompts.Take(4).ToList(), [.. Enumerable.Repeat(new SamplingOptions(MaxTokens: 4), 4)]);
        sw.Restart();
        var outs = decoder.Generate(prompts, [.. Enumerable.Repeat(new SamplingOptions(MaxTokens: 24), prompts.Count)]);
        sw.Stop();
        int tokens = outs.Sum(o => o.PromptTokens + o.GeneratedTokens);
        double inferTps = tokens / sw.Elapsed.TotalSeconds;

        // Sampling K candidates of one prompt (temperature 0.8, seeded), one decode each, then the
        // same K as one batch: generated code tokens per second both ways.
        var one = seqs[0].Tokens[..seqs[0].CompletionStart];
        var options = Enumerable.Range(0, samples).Select(i => new SamplingOptions(0.8, 24, (ulong)i + 1)).ToList();
        sw.Restart();
        int singly = 0;
        foreach (var o in options) singly += decoder.Generate([one], [o])[0].GeneratedTokens;
        double singleTps = singly / sw.Elapsed.TotalSeconds;
        sw.Restart();
        int together = decoder.Generate(Enumerable.Repeat(one, samples).ToList(), options).Sum(o => o.GeneratedTokens);
        double batchTps = together / sw.Elapsed.TotalSeconds;
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[bench neural] {samples} samples of one prompt: {singleTps:N0} tok/s one at a time, {batchTps:N0} tok/s as one batch"));
        return new NeuralBenchResult(config, threads, batch, b.Length, steps, trainTps, stepSeconds, gemmSeconds, flops,
            flops / gemmSeconds / 1e9, alone, bound, inferTps, prompts.Count, tokens, samples, singleTps, batchTps);
    }

    /// <summary>The products of one step, on scratch buffers of the same sizes, with nothing else.</summary>
    private static double Replay(IReadOnlyList<Blas.GemmShape> shapes, int rounds)
    {
        long Size(int rows, int ld) => (long)rows * ld + ld;
        long max = shapes.Max(s => Math.Max(Size(s.TransA ? s.K : s.M, s.Lda), Math.Max(Size(s.TransB ? s.N : s.K, s.Ldb), Size(s.M, s.Ldc))));
        var a = GC.AllocateArray<float>((int)max, pinned: true);
        var bb = GC.AllocateArray<float>((int)max, pinned: true);
        var c = GC.AllocateArray<float>((int)max, pinned: true);
        new Random(1).NextBytes(new byte[1]);
        for (int i = 0; i < max; i++) { a[i] = (i % 7) * 0.01f; bb[i] = (i % 5) * 0.01f; }
        float* pa = (float*)Unsafe.AsPointer(ref a[0]), pb = (float*)Unsafe.AsPointer(ref bb[0]), pc = (float*)Unsafe.AsPointer(ref c[0]);
        foreach (var s in shapes) Blas.Gemm(s.TransA, s.TransB, s.M, s.N, s.K, 1, pa, s.Lda, pb, s.Ldb, 0, pc, s.Ldc);
        Blas.ResetCounters();
        var sw = Stopwatch.StartNew();
        for (int r = 0; r < rounds; r++)
            foreach (var s in shapes) Blas.Gemm(s.TransA, s.TransB, s.M, s.N, s.K, 1, pa, s.Lda, pb, s.Ldb, 0, pc, s.Ldc);
        sw.Stop();
        return Blas.Flops / sw.Elapsed.TotalSeconds / 1e9;
    }
}

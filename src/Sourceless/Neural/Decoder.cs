using System.Runtime.CompilerServices;
using static Sourceless.Neural.Kernels;

namespace Sourceless.Neural;

/// <summary>How to pick each next token: greedy (temperature 0) or sampled at a temperature, from
/// a seeded generator per sequence; at most MaxTokens code bytes.</summary>
public sealed record SamplingOptions(double Temperature = 0, int MaxTokens = 256, ulong Seed = 1);

/// <summary>
/// Generation with a key/value cache, many sequences in lockstep: at step p every live sequence
/// processes its token at position p (a prompt token, or the one it sampled last), so each step
/// is one matrix product per weight for the whole batch. After its prompt a sequence may only
/// produce code bytes or EOS (the grammar of a completion); what it produces is untrusted bytes
/// for the sandbox, never anything this process runs.
/// </summary>
public sealed unsafe class Decoder(Transformer model)
{
    public sealed record Output(byte[] Bytes, bool Finished, int PromptTokens, int GeneratedTokens);

    public IReadOnlyList<Output> Generate(IReadOnlyList<int[]> prompts, IReadOnlyList<SamplingOptions> options)
    {
        var c = model.Config;
        int s = prompts.Count, d = c.Dim, f = c.Mlp, h = c.Heads, hd = c.HeadDim;
        if (s == 0) return [];
        foreach (var p in prompts)
            if (p.Length >= c.Context) throw new ArgumentException($"prompt of {p.Length} tokens does not fit the context of {c.Context}");
        int steps = Enumerable.Range(0, s).Max(i => Math.Min(c.Context, prompts[i].Length + options[i].MaxTokens + 1));
        var layout = model.Layout;
        float* w = model.WeightsPointer;
        var keep = new List<float[]>();
        float* Alloc(long n) { var a = GC.AllocateArray<float>((int)Math.Max(n, 1), pinned: true); keep.Add(a); return (float*)Unsafe.AsPointer(ref a[0]); }
        var kCache = new nint[c.Layers];
        var vCache = new nint[c.Layers];
        for (int l = 0; l < c.Layers; l++) { kCache[l] = (nint)Alloc((long)s * steps * d); vCache[l] = (nint)Alloc((long)s * steps * d); }
        float* x = Alloc(s * d), hbuf = Alloc(s * d), qkv = Alloc(s * 3 * d), att = Alloc(s * d), u = Alloc(s * f), g = Alloc(s * f);
        float* mean = Alloc(s), rstd = Alloc(s), logits = Alloc(s * c.Vocab), scores = Alloc((long)s * steps);
        var generated = Enumerable.Range(0, s).Select(_ => new List<byte>()).ToArray();
        var finished = new bool[s];
        var rngs = Enumerable.Range(0, s).Select(i => new Tasks.SplitMix64(options[i].Seed)).ToArray();
        int[] next = new int[s];
        var live = Enumerable.Range(0, s).ToList();
        float scale = 1f / MathF.Sqrt(hd);
        for (int p = 0; p < steps && live.Count > 0; p++)
        {
            int m = live.Count;
            for (int r = 0; r < m; r++)
            {
                int i = live[r];
                int token = p < prompts[i].Length ? prompts[i][p] : next[i];
                float* te = w + layout.TokEmb + (long)token * d, pe = w + layout.PosEmb + (long)p * d, xr = x + (long)r * d;
                for (int j = 0; j < d; j++) xr[j] = te[j] + pe[j];
            }
            for (int l = 0; l < c.Layers; l++)
            {
                var lp = layout.Layers[l];
                LayerNormForward(x, w + lp.Ln1G, w + lp.Ln1B, hbuf, mean, rstd, m, d);
                Linear(hbuf, w + lp.Wqkv, w + lp.Bqkv, qkv, m, d, 3 * d, accumulate: false);
                if (model.RotaryPositions is { } rot)
                    for (int r = 0; r < m; r++)
                        for (int head = 0; head < h; head++)
                        {
                            rot.Apply(qkv + (long)r * 3 * d + head * hd, p, inverse: false);
                            rot.Apply(qkv + (long)r * 3 * d + d + head * hd, p, inverse: false);
                        }
                float* kc = (float*)kCache[l], vc = (float*)vCache[l];
                for (int r = 0; r < m; r++)
                {
                    long slot = ((long)live[r] * steps + p) * d;
                    Copy(qkv + (long)r * 3 * d + d, kc + slot, d);
                    Copy(qkv + (long)r * 3 * d + 2 * d, vc + slot, d);
                }
                var liveNow = live;
                int pos = p;
                Rows.For(m, (a, b) =>
                {
                    for (int r = a; r < b; r++)
                    {
                        long seqBase = (long)liveNow[r] * steps * d;
                        float* sc = scores + (long)r * steps;
                        for (int head = 0; head < h; head++)
                        {
                            float* q = qkv + (long)r * 3 * d + head * hd;
                            float max = float.NegativeInfinity;
                            for (int j = 0; j <= pos; j++)
                            {
                                float* k = kc + seqBase + (long)j * d + head * hd;
                                float dot = 0;
                                for (int e = 0; e < hd; e++) dot += q[e] * k[e];
                                sc[j] = dot * scale;
                                max = MathF.Max(max, sc[j]);
                            }
                            float sum = 0;
                            for (int j = 0; j <= pos; j++) { sc[j] = MathF.Exp(sc[j] - max); sum += sc[j]; }
                            float* o = att + (long)r * d + head * hd;
                            for (int e = 0; e < hd; e++) o[e] = 0;
                            for (int j = 0; j <= pos; j++)
                            {
                                float pj = sc[j] / sum;
                                float* v = vc + seqBase + (long)j * d + head * hd;
                                for (int e = 0; e < hd; e++) o[e] += pj * v[e];
                            }
                        }
                    }
                });
                Linear(att, w + lp.Wo, w + lp.Bo, x, m, d, d, accumulate: true);
                LayerNormForward(x, w + lp.Ln2G, w + lp.Ln2B, hbuf, mean, rstd, m, d);
                Linear(hbuf, w + lp.W1, w + lp.B1, u, m, d, f, accumulate: false);
                Gelu(u, g, m * f);
                Linear(g, w + lp.W2, w + lp.B2, x, m, f, d, accumulate: true);
            }
            LayerNormForward(x, w + layout.LnfG, w + layout.LnfB, hbuf, mean, rstd, m, d);
            Blas.Gemm(false, true, m, c.Vocab, d, 1, hbuf, d, w + layout.TokEmb, d, 0, logits, c.Vocab);
            var nextLive = new List<int>(m);
            for (int r = 0; r < m; r++)
            {
                int i = live[r];
                if (p + 1 < prompts[i].Length) { nextLive.Add(i); continue; }
                int token = Pick(logits + (long)r * c.Vocab, c.Vocab, options[i].Temperature, rngs[i]);
                if (token == Tokenizer.Eos) { finished[i] = true; continue; }
                generated[i].Add(Tokenizer.ToByte(token));
                next[i] = token;
                if (generated[i].Count < options[i].MaxTokens && p + 2 < steps) nextLive.Add(i);
            }
            live = nextLive;
        }
        GC.KeepAlive(keep);
        return [.. Enumerable.Range(0, s).Select(i => new Output([.. generated[i]], finished[i], prompts[i].Length, generated[i].Count + (finished[i] ? 1 : 0)))];
    }

    /// <summary>Only code bytes and EOS are allowed after the prompt.</summary>
    private static int Pick(float* logits, int vocab, double temperature, Tasks.SplitMix64 rng)
    {
        static bool Allowed(int t) => t == Tokenizer.Eos || Tokenizer.IsByte(t);
        if (temperature <= 0)
        {
            int best = Tokenizer.Eos;
            for (int t = 0; t < vocab; t++) if (Allowed(t) && logits[t] > logits[best]) best = t;
            return best;
        }
        double max = double.NegativeInfinity;
        for (int t = 0; t < vocab; t++) if (Allowed(t)) max = Math.Max(max, logits[t]);
        double total = 0;
        Span<double> weights = stackalloc double[vocab];
        for (int t = 0; t < vocab; t++) { weights[t] = Allowed(t) ? Math.Exp((logits[t] - max) / temperature) : 0; total += weights[t]; }
        double draw = rng.NextDouble() * total;
        for (int t = 0; t < vocab; t++) { draw -= weights[t]; if (draw <= 0 && weights[t] > 0) return t; }
        return Tokenizer.Eos;
    }
}

namespace Sourceless.Neural;

/// <summary>Where each tensor of the model lives in one flat array of floats. One array makes the
/// optimizer a single loop, a checkpoint a single write, and the gradient check a single walk.</summary>
public sealed class ParameterLayout
{
    public sealed record Layer(int Ln1G, int Ln1B, int Wqkv, int Bqkv, int Wo, int Bo, int Ln2G, int Ln2B, int W1, int B1, int W2, int B2);

    public int TokEmb { get; }
    public int PosEmb { get; }
    public IReadOnlyList<Layer> Layers { get; }
    public int LnfG { get; }
    public int LnfB { get; }
    public int Count { get; }

    /// <summary>Ranges that are matrices or embeddings: they get weight decay, gains and biases do not.</summary>
    public IReadOnlyList<(int Start, int Length)> Decayed { get; }

    public ParameterLayout(ModelConfig c)
    {
        int d = c.Dim, f = c.Mlp, at = 0;
        int Take(int n) { int s = at; at += n; return s; }
        var decayed = new List<(int, int)>();
        int TakeDecayed(int n) { int s = Take(n); decayed.Add((s, n)); return s; }
        TokEmb = TakeDecayed(c.Vocab * d);
        PosEmb = TakeDecayed(c.Context * d);
        var layers = new List<Layer>();
        for (int l = 0; l < c.Layers; l++)
            layers.Add(new Layer(Take(d), Take(d), TakeDecayed(d * 3 * d), Take(3 * d), TakeDecayed(d * d), Take(d),
                Take(d), Take(d), TakeDecayed(d * f), Take(f), TakeDecayed(f * d), Take(d)));
        Layers = layers;
        LnfG = Take(d);
        LnfB = Take(d);
        Count = at;
        Decayed = decayed;
        if (Count != c.ParameterCount) throw new InvalidOperationException($"layout {Count} != {c.ParameterCount}");
    }

    /// <summary>GPT-2 style start: N(0, 0.02) weights, the two projections into the residual
    /// stream scaled down by sqrt(2 x layers), unit gains, zero biases.</summary>
    public void Initialize(float[] w, ModelConfig c, ulong seed)
    {
        Array.Clear(w);
        var rng = new Tasks.SplitMix64(seed);
        void Normal(int start, int n, double std)
        {
            for (int i = 0; i < n; i++)
            {
                double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
                w[start + i] = (float)(std * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
            }
        }
        int d = c.Dim, f = c.Mlp;
        double residual = 0.02 / Math.Sqrt(2.0 * c.Layers);
        Normal(TokEmb, c.Vocab * d, 0.02);
        Normal(PosEmb, c.Context * d, 0.01);
        foreach (var l in Layers)
        {
            Array.Fill(w, 1f, l.Ln1G, d);
            Array.Fill(w, 1f, l.Ln2G, d);
            Normal(l.Wqkv, d * 3 * d, 0.02);
            Normal(l.Wo, d * d, residual);
            Normal(l.W1, d * f, 0.02);
            Normal(l.W2, f * d, residual);
        }
        Array.Fill(w, 1f, LnfG, d);
    }
}

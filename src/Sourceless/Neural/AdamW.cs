namespace Sourceless.Neural;

/// <summary>Adam with decoupled weight decay (Loshchilov and Hutter), applied to the matrices and
/// embeddings only; gains and biases are not decayed. Global gradient-norm clipping first.</summary>
public sealed class AdamW
{
    public float Beta1 { get; init; } = 0.9f;
    public float Beta2 { get; init; } = 0.99f;
    public float Epsilon { get; init; } = 1e-8f;
    public float WeightDecay { get; init; } = 0.01f;
    public float ClipNorm { get; init; } = 1.0f;

    public float[] M { get; }
    public float[] V { get; }
    public long Step { get; set; }

    private readonly bool[] _decay;

    public AdamW(ParameterLayout layout)
    {
        M = new float[layout.Count];
        V = new float[layout.Count];
        _decay = new bool[layout.Count];
        foreach (var (start, length) in layout.Decayed) Array.Fill(_decay, true, start, length);
    }

    /// <summary>One update; returns the gradient norm before clipping.</summary>
    public double Update(float[] w, float[] g, double learningRate)
    {
        double sq = 0;
        for (int i = 0; i < g.Length; i++) sq += (double)g[i] * g[i];
        double norm = Math.Sqrt(sq);
        // A step with a non-finite gradient would poison every weight: skip it (the caller sees
        // the norm and counts it).
        if (!double.IsFinite(norm)) return norm;
        float clip = norm > ClipNorm && ClipNorm > 0 ? (float)(ClipNorm / norm) : 1f;
        Step++;
        float lr = (float)learningRate;
        float c1 = 1 - MathF.Pow(Beta1, Step), c2 = 1 - MathF.Pow(Beta2, Step);
        float b1 = Beta1, b2 = Beta2, eps = Epsilon, wd = WeightDecay;
        var m = M; var v = V; var decay = _decay;
        Rows.For(w.Length, (s, e) =>
        {
            for (int i = s; i < e; i++)
            {
                float gi = g[i] * clip;
                m[i] = b1 * m[i] + (1 - b1) * gi;
                v[i] = b2 * v[i] + (1 - b2) * gi * gi;
                float update = m[i] / c1 / (MathF.Sqrt(v[i] / c2) + eps);
                if (decay[i]) update += wd * w[i];
                w[i] -= lr * update;
            }
        });
        return norm;
    }
}

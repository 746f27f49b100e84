using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using static Sourceless.Neural.Kernels;

namespace Sourceless.Neural;

/// <summary>
/// A decoder-only transformer (pre-norm GPT): token + position embeddings, per layer causal
/// multi-head self-attention and a GELU MLP each behind a layer norm and added to the residual
/// stream, a final layer norm, and an output head tied to the token embedding. Forward and
/// backward are written out by hand; every product goes through OpenBLAS (<see cref="Blas"/>),
/// the row-wise work (norms, softmax, GELU) is split over threads in fixed chunks.
/// The loss is cross-entropy on the positions a batch marks (the completion), and logits are
/// computed only there: the prompt is read, never predicted.
/// </summary>
public sealed unsafe class Transformer
{
    public ModelConfig Config { get; }
    public ParameterLayout Layout { get; }
    /// <summary>All weights, flat (see <see cref="ParameterLayout"/>).</summary>
    public float[] Weights { get; }
    /// <summary>Gradients, same layout; <see cref="ForwardBackward"/> overwrites them.</summary>
    public float[] Gradients { get; }

    private readonly float* _w, _g;
    private readonly Rotary? _rotary;
    private Activations? _act;

    public Transformer(ModelConfig config)
    {
        config.Validate();
        Config = config;
        Layout = new ParameterLayout(config);
        Weights = GC.AllocateArray<float>(Layout.Count, pinned: true);
        Gradients = GC.AllocateArray<float>(Layout.Count, pinned: true);
        _w = (float*)Unsafe.AsPointer(ref Weights[0]);
        _g = (float*)Unsafe.AsPointer(ref Gradients[0]);
        _rotary = config.Rope ? new Rotary(config) : null;
    }

    internal Rotary? RotaryPositions => _rotary;

    internal float* WeightsPointer => _w;

    public void Initialize(ulong seed) => Layout.Initialize(Weights, Config, seed);

    /// <summary>Mean cross-entropy over the marked positions, and its gradient in <see cref="Gradients"/>
    /// when <paramref name="backward"/> is set.</summary>
    public double ForwardBackward(Batch batch, bool backward = true)
    {
        if (batch.Length > Config.Context) throw new ArgumentException($"batch length {batch.Length} exceeds the context {Config.Context}");
        int n = batch.Rows, d = Config.Dim;
        var a = _act = Activations.Ensure(_act, Config, batch.Count, batch.Length);
        Embed(batch, a.X[0]);
        for (int l = 0; l < Config.Layers; l++) LayerForward(l, a, batch);
        LayerNormForward(a.X[Config.Layers], _w + Layout.LnfG, _w + Layout.LnfB, a.Xf, a.MeanF, a.RstdF, n, d);
        double loss = HeadForward(batch, a);
        if (!backward) return loss;

        Array.Clear(Gradients);
        HeadBackward(batch, a);
        var dx = a.Dx;
        new Span<float>(dx, n * d).Clear();
        LayerNormBackward(a.X[Config.Layers], a.DXf, _w + Layout.LnfG, _g + Layout.LnfG, _g + Layout.LnfB, a.MeanF, a.RstdF, dx, n, d);
        for (int l = Config.Layers - 1; l >= 0; l--) LayerBackward(l, a, batch);
        EmbedBackward(batch, dx);
        return loss;
    }

    // ---- embeddings ----

    private void Embed(Batch batch, float* x)
    {
        int d = Config.Dim, t = batch.Length;
        float* tok = _w + Layout.TokEmb, pos = _w + Layout.PosEmb;
        Rows.For(batch.Rows, (s, e) =>
        {
            for (int r = s; r < e; r++)
            {
                float* dst = x + (long)r * d, te = tok + (long)batch.Tokens[r] * d, pe = pos + (long)(r % t) * d;
                for (int i = 0; i < d; i++) dst[i] = te[i] + pe[i];
            }
        });
    }

    private void EmbedBackward(Batch batch, float* dx)
    {
        int d = Config.Dim, t = batch.Length;
        float* gt = _g + Layout.TokEmb, gp = _g + Layout.PosEmb;
        for (int r = 0; r < batch.Rows; r++)
        {
            float* src = dx + (long)r * d, te = gt + (long)batch.Tokens[r] * d, pe = gp + (long)(r % t) * d;
            for (int i = 0; i < d; i++) { te[i] += src[i]; pe[i] += src[i]; }
        }
    }

    // ---- one layer ----

    private void LayerForward(int l, Activations a, Batch batch)
    {
        var p = Layout.Layers[l];
        var la = a.Layer[l];
        int n = batch.Rows, d = Config.Dim, f = Config.Mlp;
        float* x = a.X[l], xn = a.X[l + 1];
        LayerNormForward(x, _w + p.Ln1G, _w + p.Ln1B, la.H1, la.Mean1, la.Rstd1, n, d);
        Linear(la.H1, _w + p.Wqkv, _w + p.Bqkv, la.Qkv, n, d, 3 * d, accumulate: false);
        _rotary?.ApplyQk(la.Qkv, n, batch.Length, d, Config.Heads, inverse: false);
        AttentionForward(la, batch);
        Copy(x, la.XMid, n * d);
        Linear(la.Att, _w + p.Wo, _w + p.Bo, la.XMid, n, d, d, accumulate: true);
        LayerNormForward(la.XMid, _w + p.Ln2G, _w + p.Ln2B, la.H2, la.Mean2, la.Rstd2, n, d);
        Linear(la.H2, _w + p.W1, _w + p.B1, la.U, n, d, f, accumulate: false);
        Gelu(la.U, la.Gl, n * f);
        Copy(la.XMid, xn, n * d);
        Linear(la.Gl, _w + p.W2, _w + p.B2, xn, n, f, d, accumulate: true);
    }

    /// <summary>Takes the gradient with respect to the layer's output in <c>a.Dx</c> and leaves the
    /// gradient with respect to its input there.</summary>
    private void LayerBackward(int l, Activations a, Batch batch)
    {
        var p = Layout.Layers[l];
        var la = a.Layer[l];
        int n = batch.Rows, d = Config.Dim, f = Config.Mlp;
        float* dx = a.Dx;
        // MLP: x_out = x_mid + gelu(LN2(x_mid) W1 + b1) W2 + b2
        LinearBackward(la.Gl, _w + p.W2, _g + p.W2, _g + p.B2, dx, a.DF, n, f, d);
        GeluBackward(la.U, a.DF, n * f);
        LinearBackward(la.H2, _w + p.W1, _g + p.W1, _g + p.B1, a.DF, a.DD, n, d, f);
        LayerNormBackward(la.XMid, a.DD, _w + p.Ln2G, _g + p.Ln2G, _g + p.Ln2B, la.Mean2, la.Rstd2, dx, n, d);
        // Attention: x_mid = x + attn(LN1(x)) Wo + bo
        LinearBackward(la.Att, _w + p.Wo, _g + p.Wo, _g + p.Bo, dx, a.DD, n, d, d);
        AttentionBackward(la, a, batch);
        // The rotation is linear and orthogonal: the gradient goes back through its transpose.
        _rotary?.ApplyQk(a.DQkv, n, batch.Length, d, Config.Heads, inverse: true);
        LinearBackward(la.H1, _w + p.Wqkv, _g + p.Wqkv, _g + p.Bqkv, a.DQkv, a.DD, n, d, 3 * d);
        LayerNormBackward(a.X[l], a.DD, _w + p.Ln1G, _g + p.Ln1G, _g + p.Ln1B, la.Mean1, la.Rstd1, dx, n, d);
    }

    // ---- attention ----

    private void AttentionForward(Activations.LayerActivations la, Batch batch)
    {
        int t = batch.Length, d = Config.Dim, h = Config.Heads, hd = Config.HeadDim, b = batch.Count;
        float scale = 1f / MathF.Sqrt(hd);
        Pairs(b * h, pair =>
        {
            int s = pair / h, k = pair % h;
            float* q = la.Qkv + (long)s * t * 3 * d + k * hd;
            Blas.Gemm(false, true, t, t, hd, scale, q, 3 * d, q + d, 3 * d, 0, la.Probs + (long)pair * t * t, t);
        });
        Rows.For(b * h * t, (s0, e0) =>
        {
            for (int r = s0; r < e0; r++)
            {
                int i = r % t;
                var row = new Span<float>(la.Probs + (long)r * t, t);
                // TensorPrimitives.SoftMax does not subtract the maximum first, and exp overflows
                // past 88: subtract it here (this was a NaN at step 460 of the first real run).
                var live = row[..(i + 1)];
                TensorPrimitives.Subtract(live, TensorPrimitives.Max(live), live);
                TensorPrimitives.Exp(live, live);
                TensorPrimitives.Divide(live, TensorPrimitives.Sum(live), live);
                row[(i + 1)..].Clear();
            }
        });
        Pairs(b * h, pair =>
        {
            int s = pair / h, k = pair % h;
            float* v = la.Qkv + (long)s * t * 3 * d + 2 * d + k * hd;
            Blas.Gemm(false, false, t, hd, t, 1, la.Probs + (long)pair * t * t, t, v, 3 * d, 0, la.Att + (long)s * t * d + k * hd, d);
        });
    }

    /// <summary>Reads dAtt from <c>a.DD</c>, writes dQKV to <c>a.DQkv</c>.</summary>
    private void AttentionBackward(Activations.LayerActivations la, Activations a, Batch batch)
    {
        int t = batch.Length, d = Config.Dim, h = Config.Heads, hd = Config.HeadDim, b = batch.Count;
        float scale = 1f / MathF.Sqrt(hd);
        float* datt = a.DD, dqkv = a.DQkv, ds = a.DScores;
        Pairs(b * h, index =>
        {
            int s = index / h, k = index % h;
            long pair = (long)index * t * t;
            float* qkv = la.Qkv + (long)s * t * 3 * d + k * hd, dq = dqkv + (long)s * t * 3 * d + k * hd;
            float* dO = datt + (long)s * t * d + k * hd;
            Blas.Gemm(false, true, t, t, hd, 1, dO, d, qkv + 2 * d, 3 * d, 0, ds + pair, t);          // dP = dO V^T
            Blas.Gemm(true, false, t, hd, t, 1, la.Probs + pair, t, dO, d, 0, dq + 2 * d, 3 * d);      // dV = P^T dO
        });
        Rows.For(b * h * t, (s0, e0) =>
        {
            for (int r = s0; r < e0; r++)
            {
                int i = r % t;
                var p = new ReadOnlySpan<float>(la.Probs + (long)r * t, i + 1);
                var g = new Span<float>(ds + (long)r * t, t);
                float dot = TensorPrimitives.Dot(p, g[..(i + 1)]);
                // dS = P (dP - <P, dP>) x scale, with the scale of the scores folded in here.
                TensorPrimitives.Subtract(g[..(i + 1)], dot, g[..(i + 1)]);
                TensorPrimitives.Multiply(g[..(i + 1)], p, g[..(i + 1)]);
                TensorPrimitives.Multiply(g[..(i + 1)], scale, g[..(i + 1)]);
                g[(i + 1)..].Clear();
            }
        });
        Pairs(b * h, index =>
        {
            int s = index / h, k = index % h;
            long pair = (long)index * t * t;
            float* qkv = la.Qkv + (long)s * t * 3 * d + k * hd, dq = dqkv + (long)s * t * 3 * d + k * hd;
            Blas.Gemm(false, false, t, hd, t, 1, ds + pair, t, qkv + d, 3 * d, 0, dq, 3 * d);          // dQ = dS K
            Blas.Gemm(true, false, t, hd, t, 1, ds + pair, t, qkv, 3 * d, 0, dq + d, 3 * d);           // dK = dS^T Q
        });
    }

    /// <summary>The (sequence, head) pairs of attention: many small products, so each runs
    /// single-threaded in OpenBLAS and the pairs are spread over the threads instead. Each pair
    /// writes only its own block, so the result does not depend on scheduling.</summary>
    private static void Pairs(int count, Action<int> body) =>
        Blas.SingleThreaded(() => Rows.For(count, (s, e) => { for (int i = s; i < e; i++) body(i); }, minChunk: 1));

    // ---- output head (tied to the token embedding) ----

    private double HeadForward(Batch batch, Activations a)
    {
        int m = batch.LossRows.Length, d = Config.Dim, v = Config.Vocab;
        if (m == 0) return 0;
        for (int i = 0; i < m; i++) Copy(a.Xf + (long)batch.LossRows[i] * d, a.XfRows + (long)i * d, d);
        Blas.Gemm(false, true, m, v, d, 1, a.XfRows, d, _w + Layout.TokEmb, d, 0, a.Logits, v);
        var losses = a.RowLoss;
        Rows.For(m, (s, e) =>
        {
            for (int i = s; i < e; i++)
            {
                float* row = a.Logits + (long)i * v;
                float max = float.NegativeInfinity;
                for (int j = 0; j < v; j++) max = MathF.Max(max, row[j]);
                double sum = 0;
                for (int j = 0; j < v; j++) { float ex = MathF.Exp(row[j] - max); row[j] = ex; sum += ex; }
                float inv = (float)(1 / sum);
                for (int j = 0; j < v; j++) row[j] *= inv; // row now holds probabilities
                losses[i] = -Math.Log(Math.Max(row[batch.LossTargets[i]], 1e-30f));
            }
        });
        double total = 0;
        for (int i = 0; i < m; i++) total += losses[i];
        return total / m;
    }

    private void HeadBackward(Batch batch, Activations a)
    {
        int m = batch.LossRows.Length, d = Config.Dim, v = Config.Vocab, n = batch.Rows;
        new Span<float>(a.DXf, n * d).Clear();
        if (m == 0) return;
        float invM = 1f / m;
        Rows.For(m, (s, e) =>
        {
            for (int i = s; i < e; i++)
            {
                float* row = a.Logits + (long)i * v;
                row[batch.LossTargets[i]] -= 1;
                for (int j = 0; j < v; j++) row[j] *= invM;
            }
        });
        Blas.Gemm(false, false, m, d, v, 1, a.Logits, v, _w + Layout.TokEmb, d, 0, a.DXfRows, d);   // dXf = dLogits E
        Blas.Gemm(true, false, v, d, m, 1, a.Logits, v, a.XfRows, d, 1, _g + Layout.TokEmb, d);       // dE += dLogits^T Xf
        for (int i = 0; i < m; i++) Copy(a.DXfRows + (long)i * d, a.DXf + (long)batch.LossRows[i] * d, d);
    }
}

using System.Numerics.Tensors;

namespace Sourceless.Neural;

/// <summary>The row-wise pieces of the model, shared by training (<see cref="Transformer"/>) and
/// generation (<see cref="Decoder"/>): linear layers through OpenBLAS, layer norm, GELU.</summary>
internal static unsafe class Kernels
{
    /// <summary>y = x W + b (W stored in x out), or y += x W + b.</summary>
    internal static void Linear(float* x, float* w, float* bias, float* y, int n, int inDim, int outDim, bool accumulate)
    {
        Blas.Gemm(false, false, n, outDim, inDim, 1, x, inDim, w, outDim, accumulate ? 1 : 0, y, outDim);
        Rows.For(n, (s, e) =>
        {
            for (int r = s; r < e; r++)
            {
                float* row = y + (long)r * outDim;
                for (int j = 0; j < outDim; j++) row[j] += bias[j];
            }
        });
    }

    /// <summary>From dy: dW += x^T dy, db += column sums of dy, dx = dy W^T (overwritten).</summary>
    internal static void LinearBackward(float* x, float* w, float* gw, float* gb, float* dy, float* dx, int n, int inDim, int outDim)
    {
        Blas.Gemm(true, false, inDim, outDim, n, 1, x, inDim, dy, outDim, 1, gw, outDim);
        for (int r = 0; r < n; r++)
        {
            float* row = dy + (long)r * outDim;
            for (int j = 0; j < outDim; j++) gb[j] += row[j];
        }
        Blas.Gemm(false, true, n, inDim, outDim, 1, dy, outDim, w, outDim, 0, dx, inDim);
    }

    internal const float Epsilon = 1e-5f;

    internal static void LayerNormForward(float* x, float* gain, float* bias, float* y, float* mean, float* rstd, int n, int d)
    {
        Rows.For(n, (s, e) =>
        {
            for (int r = s; r < e; r++)
            {
                float* xr = x + (long)r * d, yr = y + (long)r * d;
                float mu = 0;
                for (int i = 0; i < d; i++) mu += xr[i];
                mu /= d;
                float var = 0;
                for (int i = 0; i < d; i++) { float c = xr[i] - mu; var += c * c; }
                float rs = 1 / MathF.Sqrt(var / d + Epsilon);
                mean[r] = mu;
                rstd[r] = rs;
                for (int i = 0; i < d; i++) yr[i] = (xr[i] - mu) * rs * gain[i] + bias[i];
            }
        });
    }

    /// <summary>dx += LN'(dy); gain and bias gradients accumulate in a fixed row order.</summary>
    internal static void LayerNormBackward(float* x, float* dy, float* gain, float* ggain, float* gbias, float* mean, float* rstd, float* dx, int n, int d)
    {
        for (int r = 0; r < n; r++)
        {
            float* xr = x + (long)r * d, dyr = dy + (long)r * d;
            float mu = mean[r], rs = rstd[r];
            for (int i = 0; i < d; i++) { ggain[i] += dyr[i] * (xr[i] - mu) * rs; gbias[i] += dyr[i]; }
        }
        Rows.For(n, (s, e) =>
        {
            for (int r = s; r < e; r++)
            {
                float* xr = x + (long)r * d, dyr = dy + (long)r * d, dxr = dx + (long)r * d;
                float mu = mean[r], rs = rstd[r];
                float m1 = 0, m2 = 0;
                for (int i = 0; i < d; i++)
                {
                    float g = dyr[i] * gain[i], xh = (xr[i] - mu) * rs;
                    m1 += g;
                    m2 += g * xh;
                }
                m1 /= d;
                m2 /= d;
                for (int i = 0; i < d; i++)
                {
                    float g = dyr[i] * gain[i], xh = (xr[i] - mu) * rs;
                    dxr[i] += rs * (g - m1 - xh * m2);
                }
            }
        });
    }

    internal const float GeluK = 0.7978845608f; // sqrt(2 / pi)

    internal static void Gelu(float* u, float* g, int count) => Rows.For(count, (s, e) =>
    {
        // 0.5 x (1 + tanh(k (x + 0.044715 x^3))), vectorised a chunk at a time.
        var x = new ReadOnlySpan<float>(u + s, e - s);
        var y = new Span<float>(g + s, e - s);
        TanhOfGeluArgument(x, y);
        TensorPrimitives.Add(y, 1f, y);
        TensorPrimitives.Multiply(y, x, y);
        TensorPrimitives.Multiply(y, 0.5f, y);
    }, minChunk: 4096);

    /// <summary>t = tanh(k (x + 0.044715 x^3)), vectorised.</summary>
    private static void TanhOfGeluArgument(ReadOnlySpan<float> x, Span<float> t)
    {
        TensorPrimitives.Multiply(x, x, t);
        TensorPrimitives.Multiply(t, 0.044715f, t);
        TensorPrimitives.Add(t, 1f, t);
        TensorPrimitives.Multiply(t, x, t);
        TensorPrimitives.Multiply(t, GeluK, t);
        TensorPrimitives.Tanh(t, t);
    }

    /// <summary>dg (in place) becomes du, with the tanh recomputed from u (chunked, scratch on the stack heap).</summary>
    internal static void GeluBackward(float* u, float* dg, int count) => Rows.For(count, (s, e) =>
    {
        const int Chunk = 4096;
        var th = new float[Chunk];
        for (int at = s; at < e; at += Chunk)
        {
            int n = Math.Min(Chunk, e - at);
            var x = new ReadOnlySpan<float>(u + at, n);
            var t = th.AsSpan(0, n);
            TanhOfGeluArgument(x, t);
            for (int i = 0; i < n; i++)
            {
                float xi = x[i], ti = t[i];
                float d = 0.5f * (1 + ti) + 0.5f * xi * (1 - ti * ti) * GeluK * (1 + 3 * 0.044715f * xi * xi);
                dg[at + i] *= d;
            }
        }
    }, minChunk: 4096);

    internal static void Copy(float* src, float* dst, int count) =>
        new ReadOnlySpan<float>(src, count).CopyTo(new Span<float>(dst, count));
}

namespace Sourceless.Neural;

/// <summary>
/// Rotary position embeddings (Su et al., RoFormer): each head's query and key are rotated pair by
/// pair by an angle proportional to the position, so attention scores depend on how far apart two
/// tokens are. A completion byte then finds "the literal three characters back" the same way at
/// every prompt length, which learned absolute positions had to learn once per length.
/// </summary>
internal sealed unsafe class Rotary
{
    private readonly float[] _cos, _sin;
    private readonly int _half;

    public Rotary(ModelConfig c)
    {
        _half = c.HeadDim / 2;
        _cos = new float[c.Context * _half];
        _sin = new float[c.Context * _half];
        for (int p = 0; p < c.Context; p++)
            for (int i = 0; i < _half; i++)
            {
                double angle = p * Math.Pow(10000, -2.0 * i / c.HeadDim);
                _cos[p * _half + i] = (float)Math.Cos(angle);
                _sin[p * _half + i] = (float)Math.Sin(angle);
            }
    }

    /// <summary>Rotates one head's vector at position p in place (inverse = the transpose, for the backward pass).</summary>
    public void Apply(float* v, int p, bool inverse)
    {
        int at = p * _half;
        for (int i = 0; i < _half; i++)
        {
            float c = _cos[at + i], s = inverse ? -_sin[at + i] : _sin[at + i];
            float x0 = v[2 * i], x1 = v[2 * i + 1];
            v[2 * i] = x0 * c - x1 * s;
            v[2 * i + 1] = x0 * s + x1 * c;
        }
    }

    /// <summary>Queries and keys of every row of a [rows, 3 x dim] q|k|v block (row r at position r mod length).</summary>
    public void ApplyQk(float* qkv, int rows, int length, int dim, int heads, bool inverse)
    {
        int hd = dim / heads;
        Rows.For(rows, (s, e) =>
        {
            for (int r = s; r < e; r++)
            {
                int p = r % length;
                float* row = qkv + (long)r * 3 * dim;
                for (int h = 0; h < heads; h++)
                {
                    Apply(row + h * hd, p, inverse);
                    Apply(row + dim + h * hd, p, inverse);
                }
            }
        });
    }
}

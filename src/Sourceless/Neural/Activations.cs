using System.Runtime.CompilerServices;

namespace Sourceless.Neural;

/// <summary>What the forward pass keeps for the backward pass, and the backward pass's scratch:
/// pinned buffers sized for the largest batch seen so far and reused from step to step.</summary>
internal sealed unsafe class Activations
{
    internal sealed class LayerActivations
    {
        public float* H1, Mean1, Rstd1, Qkv, Probs, Att, XMid, H2, Mean2, Rstd2, U, Gl;
    }

    private readonly List<float[]> _keep = [];
    private readonly int _rows, _scores;

    public float*[] X { get; }
    public LayerActivations[] Layer { get; }
    public float* Xf, MeanF, RstdF, XfRows, DXfRows, Logits, Dx, DD, DF, DQkv, DScores, DXf;
    public double[] RowLoss { get; }

    private Activations(ModelConfig c, int rows, int scores)
    {
        _rows = rows;
        _scores = scores;
        int d = c.Dim, f = c.Mlp;
        X = new float*[c.Layers + 1];
        for (int i = 0; i <= c.Layers; i++) X[i] = Alloc(rows * d);
        Layer = new LayerActivations[c.Layers];
        for (int l = 0; l < c.Layers; l++)
            Layer[l] = new LayerActivations
            {
                H1 = Alloc(rows * d), Mean1 = Alloc(rows), Rstd1 = Alloc(rows), Qkv = Alloc(rows * 3 * d),
                Probs = Alloc(scores), Att = Alloc(rows * d), XMid = Alloc(rows * d), H2 = Alloc(rows * d),
                Mean2 = Alloc(rows), Rstd2 = Alloc(rows), U = Alloc(rows * f), Gl = Alloc(rows * f),
            };
        Xf = Alloc(rows * d); MeanF = Alloc(rows); RstdF = Alloc(rows);
        XfRows = Alloc(rows * d); DXfRows = Alloc(rows * d); Logits = Alloc(rows * c.Vocab);
        Dx = Alloc(rows * d); DD = Alloc(rows * d); DF = Alloc(rows * f); DQkv = Alloc(rows * 3 * d);
        DScores = Alloc(scores); DXf = Alloc(rows * d);
        RowLoss = new double[rows];
    }

    private float* Alloc(int count)
    {
        var a = GC.AllocateArray<float>(Math.Max(count, 1), pinned: true);
        _keep.Add(a);
        return (float*)Unsafe.AsPointer(ref a[0]);
    }

    public static Activations Ensure(Activations? current, ModelConfig c, int count, int length)
    {
        int rows = count * length, scores = count * c.Heads * length * length;
        if (current is not null && current._rows >= rows && current._scores >= scores) return current;
        return new Activations(c, Math.Max(rows, current?._rows ?? 0), Math.Max(scores, current?._scores ?? 0));
    }
}

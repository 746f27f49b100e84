namespace Sourceless.Neural;

/// <summary>
/// <c>train --init-from</c>: start a run from another checkpoint's weights instead of random ones.
/// The shapes must agree except the context, which may grow: the learned positions the old model
/// has are copied, the new ones keep their fresh initialisation (rotary attention already knows
/// relative positions). The old checkpoint's training record, corpus recipe included, goes into
/// the new one, so the chain of runs is written down and <c>neural eval</c> counts as seen every
/// function either run trained on.
/// </summary>
public static class WarmStart
{
    public static TrainingInfo Into(string path, Transformer model)
    {
        var from = Checkpoint.Load(path);
        ModelConfig a = from.Model.Config, b = model.Config;
        if (a with { Context = b.Context } != b || a.Context > b.Context)
            throw new UserError($"--init-from {path} has shape {a}; it can start a model of the same shape with the same or a longer context, not {b}");
        var layout = model.Layout;
        int d = b.Dim, oldPositions = a.Context * d;
        float[] src = from.Model.Weights, dst = model.Weights;
        // Layout: token embedding, position embedding, then the layers and the final norm, in that
        // order in both; only the position table differs in length.
        Array.Copy(src, 0, dst, 0, layout.PosEmb + oldPositions);
        int restOld = layout.PosEmb + oldPositions, restNew = layout.PosEmb + b.Context * d;
        Array.Copy(src, restOld, dst, restNew, src.Length - restOld);
        return from.Training;
    }
}

using System.Text.Json.Serialization;

namespace Sourceless.Neural;

/// <summary>The shape of the decoder-only transformer: vocabulary, context length, width, depth,
/// heads and MLP width. Stored in every checkpoint, so a checkpoint says what it is.</summary>
public sealed record ModelConfig(
    [property: JsonPropertyName("vocab")] int Vocab,
    [property: JsonPropertyName("context")] int Context,
    [property: JsonPropertyName("dim")] int Dim,
    [property: JsonPropertyName("layers")] int Layers,
    [property: JsonPropertyName("heads")] int Heads,
    [property: JsonPropertyName("mlp")] int Mlp,
    [property: JsonPropertyName("rope")] bool Rope = false)
{
    [JsonIgnore] public int HeadDim => Dim / Heads;

    public void Validate()
    {
        if (Dim <= 0 || Layers <= 0 || Heads <= 0 || Mlp <= 0 || Context <= 1 || Vocab <= 0)
            throw new UserError($"model shape must be positive: {this}");
        if (Dim % Heads != 0) throw new UserError($"--dim {Dim} is not a multiple of --heads {Heads}");
        if (Rope && HeadDim % 2 != 0) throw new UserError($"rotary positions need an even head width, got {HeadDim}");
    }

    /// <summary>Parameters per layer plus embeddings (the output head shares the token embedding).</summary>
    [JsonIgnore] public long ParameterCount =>
        (long)Vocab * Dim + (long)Context * Dim + 2L * Dim
        + Layers * (4L * Dim + 3L * Dim * Dim + 3L * Dim + (long)Dim * Dim + Dim + 2L * Dim * Mlp + Mlp + Dim);

    /// <summary>Multiply-adds x 2 of the weight products for one token going forward (attention
    /// scores and the output head excluded): the usual 2N estimate; training is about 3x this.</summary>
    [JsonIgnore] public long ForwardFlopsPerToken => 2L * Layers * (4L * Dim * Dim + 2L * Dim * Mlp);
}

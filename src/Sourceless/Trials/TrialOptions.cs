namespace Sourceless.Trials;

/// <summary>What the user asked for. Frozen and validated before any work starts; on --resume the
/// stored settings win, so a resumed trial is the same trial.</summary>
public sealed record TrialOptions
{
    public string Tasks { get; init; } = "all";
    public string Contenders { get; init; } = Sourceless.Contenders.ContenderRegistry.Defaults;
    public string Targets { get; init; } = "default";
    public ulong Seed { get; init; } = 1;
    public int Generations { get; init; } = 3;
    /// <summary>Bit flips per artifact in the interpretability experiment (all bits when the image is that small).</summary>
    public int Flips { get; init; } = 48;
    /// <summary>Source typos per task and compiler in the interpretability experiment.</summary>
    public int Typos { get; init; } = 8;
    public int Jobs { get; init; } = Environment.ProcessorCount;
    public string? Out { get; init; }
    public string? Resume { get; init; }
    public bool Json { get; init; }
    public string? Suite { get; init; }
}

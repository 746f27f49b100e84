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
    public int Flips { get; init; } = DefaultFlips;
    /// <summary>Source typos per task and compiler in the interpretability experiment.</summary>
    public int Typos { get; init; } = DefaultTypos;
    /// <summary>Tasks the interpretability experiment injects faults into: "all" or a count N, the
    /// first N of the trial's tasks in a round-robin over categories. The default keeps the whole
    /// default trial within ten minutes on two cores; every contender and target is still covered.</summary>
    public string FaultTasks { get; init; } = DefaultFaultTasks;

    /// <summary>Also train fresh models at several corpus sizes (the learning curve), about ten minutes more.</summary>
    public bool LearningCurve { get; init; }

    /// <summary>How llm:URL contenders talk to their endpoint (model, key variable, sampling, limits).</summary>
    public Sourceless.Contenders.Llm.LlmSettings Llm { get; init; } = Sourceless.Contenders.Llm.LlmSettings.Default;

    public const int DefaultFlips = 24, DefaultTypos = 4;
    public const string DefaultFaultTasks = "12";
    public int Jobs { get; init; } = Environment.ProcessorCount;
    public string? Out { get; init; }
    public string? Resume { get; init; }
    public bool Json { get; init; }
    public string? Suite { get; init; }
}

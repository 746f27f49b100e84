namespace Sourceless.Trials;

/// <summary>What the user asked for, with every default in one place. Validated and resolved into
/// <see cref="TrialSettings"/> (stored once) before any work starts; on --resume the stored
/// settings are the trial's, and every settings option is refused.</summary>
public sealed record TrialOptions
{
    public string Tasks { get; init; } = "all";
    public string Contenders { get; init; } = Sourceless.Contenders.ContenderRegistry.Defaults;
    public string Targets { get; init; } = "default";
    public ulong Seed { get; init; } = 1;
    public int Generations { get; init; } = 3;
    /// <summary>Cases per task version set apart as visible examples (never scored).</summary>
    public int Visible { get; init; } = DefaultVisible;
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

    /// <summary>Contender kinds' own settings by prefix, as JSON (for example how llm:URL contenders
    /// talk to their endpoint); a kind missing here uses its defaults.</summary>
    public IReadOnlyDictionary<string, string> KindSettings { get; init; } = new Dictionary<string, string>();

    public const int DefaultFlips = 24, DefaultTypos = 4, DefaultVisible = 3;
    public const string DefaultFaultTasks = "12";
    public int Jobs { get; init; } = Environment.ProcessorCount;
    public string? Out { get; init; }
    public string? Resume { get; init; }
    public bool Json { get; init; }
    public string? Suite { get; init; }
    /// <summary>"K/N": run only the tasks whose index is K modulo N (0-based), for 'trial merge'.</summary>
    public string Shard { get; init; } = "0/1";
}

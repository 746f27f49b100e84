using Sourceless.Contenders;
using Sourceless.Harness;
using Sourceless.Store;
using Sourceless.Tasks;
using Sourceless.Targets;

namespace Sourceless.Trials;

/// <summary>One planned generation: task version x contender x target x generation index.</summary>
public sealed record GenerationSlot(TaskDefinition Task, IContender Contender, Target Target, int Index, string Version = "v1")
{
    public string ArtifactId => Artifacts.ArtifactKey.Of(Task.Name, Version, Contender.Name, Target, Index);

    /// <summary>The v1 artifact this one was derived from (same contender, target and index).</summary>
    public string V1ArtifactId => Artifacts.ArtifactKey.Of(Task.Name, "v1", Contender.Name, Target, Index);
}

/// <summary>What experiments see while running: services, the hidden test plans, the store and
/// the generation slots of the trial.</summary>
public sealed record TrialContext(
    TrialServices Services,
    TrialStore Store,
    IReadOnlyDictionary<string, TestPlan> Plans,
    IReadOnlyList<GenerationSlot> Slots,
    TrialFacts Facts,
    IReadOnlyList<GenerationSlot>? VariantSlots = null,
    IReadOnlyDictionary<string, TestPlan>? ChangePlans = null)
{
    /// <summary>Generation 0 of each task's change request (v2) and planted-vulnerability variant
    /// (vuln), for the iteration, version-control and security experiments.</summary>
    public IReadOnlyList<GenerationSlot> Variants => VariantSlots ?? [];

    /// <summary>Per task, the v2 hidden tests plus v1's tests re-labelled "kept" (the change must
    /// not touch them) or "changed", all with the v2 reference's expected outputs.</summary>
    public IReadOnlyDictionary<string, TestPlan> Changes => ChangePlans ?? new Dictionary<string, TestPlan>();

    /// <summary>Runs of identical bytes against the same tests on the same ISA, shared within a
    /// session: a deterministic compiler's k generations are usually the same image, and running
    /// it k times would measure the harness, not the contender.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task<(Execution Run, string ArtifactId)>>> SharedRuns { get; } = new();
}

/// <summary>The trial's settings as stored, for experiments' scores and the report.</summary>
public sealed record TrialFacts(IReadOnlyList<string> Contenders, IReadOnlyList<string> Targets, IReadOnlyList<string> Isas,
    int Generations, ulong Seed, IReadOnlyList<string> Tasks, int FlipBudget = TrialOptions.DefaultFlips, int TypoBudget = TrialOptions.DefaultTypos,
    IReadOnlyList<string>? FaultTasks = null)
{
    public static TrialFacts FromStore(TrialStore store)
    {
        string Get(string k) => store.GetTrial(k) ?? throw new InvalidOperationException($"store has no trial setting '{k}'");
        var targets = Get("targets").Split(',');
        return new TrialFacts(Get("contenders").Split(','), targets,
            targets.Select(t => t.Split('/')[0]).Distinct().ToList(),
            int.Parse(Get("generations"), System.Globalization.CultureInfo.InvariantCulture),
            ulong.Parse(Get("seed"), System.Globalization.CultureInfo.InvariantCulture), Get("tasks").Split(','),
            store.GetTrial("flips") is { } flips ? int.Parse(flips, System.Globalization.CultureInfo.InvariantCulture) : TrialOptions.DefaultFlips,
            store.GetTrial("typos") is { } typos ? int.Parse(typos, System.Globalization.CultureInfo.InvariantCulture) : TrialOptions.DefaultTypos,
            // Stores from before fault_tasks existed injected faults into every task.
            store.GetTrial("fault_tasks") is { } ft ? ft.Split(',', StringSplitOptions.RemoveEmptyEntries) : Get("tasks").Split(','));
    }
}

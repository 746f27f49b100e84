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
    TrialSettings Facts,
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

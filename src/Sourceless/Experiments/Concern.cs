namespace Sourceless.Experiments;

/// <summary>The essay's concerns, in its order: the axis of the report's first chart.</summary>
public sealed record Concern(int Number, string Id, string Title, string Claim)
{
    public static readonly Concern Iteration = new(1, "iteration", "Iteration", "You cannot iterate on binary");
    public static readonly Concern Interpretability = new(2, "interpretability", "Interpretability", "A flipped bit gives no indication of what went wrong; a typo gets a compiler error at the right line");
    public static readonly Concern Reliability = new(3, "reliability", "Reliability vs the compiler", "Compilers are deterministic and correct; a model adds stochastic error to a solved problem");
    public static readonly Concern Portability = new(4, "portability", "Portability", "A binary for x86 won't run on ARM or RISC-V; source compiles to all of them");
    public static readonly Concern VersionControl = new(5, "version-control", "Version control", "You can't meaningfully diff two binaries");
    public static readonly Concern Debugging = new(6, "debugging", "Debugging", "GDB relies on symbols and source mappings");
    public static readonly Concern Abstractions = new(7, "abstractions", "Abstractions", "Binary has no names, no comments, no structure");
    public static readonly Concern Dependencies = new(8, "dependencies", "Dependencies and linking", "No way to update a dependency without regenerating");
    public static readonly Concern Security = new(9, "security", "Security auditing", "You cannot review what the AI built without reverse engineering it");

    /// <summary>The essay's closing point: not one of the chart's nine concerns (it has no 0-100
    /// score), but measured in every trial all the same.</summary>
    public static readonly Concern TrainingData = new(10, "training-data", "Training data", "You can generate infinite paired training data by running a compiler");

    /// <summary>Not one of the nine either: what the AI side's best costs next to the compiler
    /// (search, repair, time, tokens, money), measured in every trial.</summary>
    public static readonly Concern Cost = new(11, "cost", "Search, repair and cost", "AI-written binaries are slower and more expensive to make than a compile");

    public static IReadOnlyList<Concern> All { get; } =
        [Iteration, Interpretability, Reliability, Portability, VersionControl, Debugging, Abstractions, Dependencies, Security];
}

using Sourceless.Targets;

namespace Sourceless.Contenders;

/// <summary>A Contender (docs/architecture.md): turns a task into machine code for a target. Adding one means
/// one class here and one line in <see cref="ContenderRegistry"/>.</summary>
public interface IContender
{
    /// <summary>The name used on the command line and in every stored row, e.g. "noisy:0.001".</summary>
    string Name { get; }

    /// <summary>A short description for --help and the report.</summary>
    string Description { get; }

    /// <summary>Whether this contender produces code for the target (gcc serves only gcc targets).</summary>
    bool Serves(Target target);

    Task<Generation> GenerateAsync(GenerationRequest request, CancellationToken ct);
}

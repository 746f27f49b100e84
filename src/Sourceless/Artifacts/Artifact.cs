using Sourceless.Targets;

namespace Sourceless.Artifacts;

/// <summary>
/// An Artifact (docs/architecture.md): what a contender produced for one task and target. The machine code
/// is always there, as a flat image whose entry is at offset 0 (docs/bare-bytes-contract.md); the
/// rest only when the contender really has it: a direct-binary contender has no source to give.
/// </summary>
public sealed record Artifact(
    string Task,
    string Version,
    string Contender,
    Target Target,
    int Generation,
    byte[] Code,
    string? Source,
    byte[]? ObjectFile,
    IReadOnlyList<string> Dependencies,
    byte[]? DebugImage = null)
{
    /// <summary>Where image offsets start in <see cref="DebugImage"/> (the flat link address).</summary>
    public const ulong ImageAddress = 0x1000;

    public string Id => ArtifactKey.Of(Task, Version, Contender, Target, Generation);
    public string CodeHash => Harness.Workspace.Hash(Code);
}

public static class ArtifactKey
{
    public static string Of(string task, string version, string contender, Target target, int generation) =>
        $"{task}/{version}/{contender}/{target.Id}/g{generation}";
}

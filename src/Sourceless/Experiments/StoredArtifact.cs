using Sourceless.Store;
using Sourceless.Targets;

namespace Sourceless.Experiments;

/// <summary>An artifact as an experiment reads it back from the store: the bytes always, the rest
/// (source, object file, linked ELF with DWARF, declared dependencies) only when the contender
/// produced it. Null when the generation failed.</summary>
public sealed record StoredArtifact(string Id, string Task, string Version, string Contender, Target Target, byte[] Code,
    string? Source, byte[]? ObjectFile, byte[]? DebugImage, IReadOnlyList<string> Dependencies)
{
    public bool HasSymbols => DebugImage is not null;

    public static StoredArtifact? Load(TrialStore store, string artifactId)
    {
        var r = store.Rows<Columns>("SELECT task, version, contender, target, code, source, object_file, debug_image, dependencies FROM artifacts WHERE artifact_id = $1",
            artifactId).FirstOrDefault();
        if (r?.Code is not byte[] code) return null;
        return new StoredArtifact(artifactId, r.Task, r.Version, r.Contender, Target.Parse(r.Target), code, r.Source, r.ObjectFile, r.DebugImage,
            (r.Dependencies ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>The columns of the artifacts table an experiment reads back.</summary>
    private sealed record Columns(string Task, string Version, string Contender, string Target, byte[]? Code, string? Source, byte[]? ObjectFile,
        byte[]? DebugImage, string? Dependencies);

    /// <summary>A freshly generated artifact, seen as the experiments see stored ones.</summary>
    public static StoredArtifact From(Artifacts.Artifact a) =>
        new(a.Id, a.Task, a.Version, a.Contender, a.Target, a.Code, a.Source, a.ObjectFile, a.DebugImage, a.Dependencies);

    /// <summary>The same bytes with everything else taken away: what a direct-binary contender hands over.</summary>
    public StoredArtifact BytesOnly() => this with { Source = null, ObjectFile = null, DebugImage = null, Dependencies = [] };

    /// <summary>Writes the linked ELF (symbols + DWARF) to the workspace, keyed by its content.</summary>
    public string? DebugImagePath(Harness.Workspace workspace)
    {
        if (DebugImage is null) return null;
        return Harness.AtomicFile.WriteOnce(Path.Combine(workspace.Dir("elf"), Harness.Workspace.Hash(DebugImage) + ".elf"), DebugImage);
    }
}

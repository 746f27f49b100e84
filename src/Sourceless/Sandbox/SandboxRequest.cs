using Sourceless.Targets;

namespace Sourceless.Sandbox;

/// <summary>One program to run inside the sandbox: a driver built for <see cref="Isa"/> (run
/// through qemu-user when that ISA is not native), the files it must see read-only, and the
/// environment it gets (nothing of the host's environment leaks in). Limits, when given, replace
/// the sandbox's defaults for this run only (a sanitizer build needs a large address space).
/// The sandbox shows an allow-list (<see cref="SandboxFileSystem"/>): the system's programs and
/// libraries, and exactly the paths named here, at the same paths as on the host.</summary>
public sealed record SandboxRequest(
    Isa Isa,
    string Program,
    IReadOnlyList<string> Arguments,
    IReadOnlyList<string> ReadOnlyPaths,
    IReadOnlyDictionary<string, string> Environment,
    SandboxLimits? Limits = null)
{
    /// <summary>Folders the program may write (a build of untrusted text writes its output
    /// there); everything else but the capped scratch is read-only.</summary>
    public IReadOnlyList<string> WritablePaths { get; init; } = [];

    /// <summary>Written to the program's stdin before it is closed (a driver's protocol token);
    /// never part of the stored command line.</summary>
    public string? StandardInput { get; init; }

    /// <summary>The working folder inside the sandbox: the private scratch unless a build needs
    /// its own (writable) folder.</summary>
    public string WorkingDirectory { get; init; } = "/tmp";

    /// <summary>Host files or folders shown read-only at a fixed path inside (the driver at
    /// /sl/driver, say): what the program sees, its argv and its environment then do not depend
    /// on where the run folder is, and neither does the stack layout a mutant may compute with.</summary>
    public IReadOnlyList<SandboxBind> Binds { get; init; } = [];
}

/// <summary>A host path shown read-only at another path inside the sandbox.</summary>
public sealed record SandboxBind(string Host, string Inside);

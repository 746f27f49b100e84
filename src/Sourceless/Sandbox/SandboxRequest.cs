using Sourceless.Targets;

namespace Sourceless.Sandbox;

/// <summary>One program to run inside the sandbox: a driver built for <see cref="Isa"/> (run
/// through qemu-user when that ISA is not native), the files it must see read-only, and the
/// environment it gets (nothing of the host's environment leaks in). Limits, when given, replace
/// the sandbox's defaults for this run only (a sanitizer build needs a large address space).</summary>
public sealed record SandboxRequest(
    Isa Isa,
    string Program,
    IReadOnlyList<string> Arguments,
    IReadOnlyList<string> ReadOnlyPaths,
    IReadOnlyDictionary<string, string> Environment,
    SandboxLimits? Limits = null);

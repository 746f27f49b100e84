namespace Sourceless.Sandbox;

/// <summary>Limits around one run of untrusted code. prlimit sets the rlimits; the wall clock and
/// the output cap are enforced from outside by <see cref="Sandbox"/>.</summary>
public sealed record SandboxLimits
{
    public int CpuSeconds { get; init; } = 5;
    /// <summary>RLIMIT_CPU of one run of an artifact's tests (Harness.ArtifactRunner), when lower
    /// than <see cref="CpuSeconds"/>. The slowest built-in task's whole test run takes 2.2 ms of CPU
    /// under qemu, so a second is some 450 times that: only a hang reaches it, and a hang then
    /// costs a second, not five (19 hung runs were 98 s of the default trial's CPU).</summary>
    public int TestCpuSeconds { get; init; } = 1;
    /// <summary>Address space (RLIMIT_AS). qemu-user runs a guest in under 256 MiB here; 1 GiB
    /// leaves room and still refuses a 4 GB allocation.
    /// A negative value means unlimited: only for sanitizer builds, whose shadow memory reserves
    /// terabytes of address space it never touches.</summary>
    public long AddressSpaceBytes { get; init; } = 1L << 30;
    public long FileSizeBytes { get; init; } = 16L << 20;
    public int OpenFiles { get; init; } = 64;
    /// <summary>RLIMIT_NPROC: counts every task of the sandbox uid, which is why each concurrent
    /// sandbox gets a uid of its own (a fork bomb in one cannot starve another).</summary>
    public int Processes { get; init; } = 48;
    public TimeSpan WallClock { get; init; } = TimeSpan.FromSeconds(15);
    public int OutputBytes { get; init; } = 1 << 20;
    public long ScratchBytes { get; init; } = 16L << 20;

    public static SandboxLimits Default { get; } = new();
}

using Sourceless.Targets;

namespace Sourceless.Sandbox;

/// <summary>
/// How much CPU time one mutant's test child may spend before it counts as hung (the driver's
/// --timeout-ms, enforced with ITIMER_PROF in harness/sl_runtime.c). A fixed figure per ISA, never
/// a measurement: a budget computed from run times measured on this machine, at this load, would
/// move with them, and so would which slow mutants count as hung (issue: same seed, same rows on
/// any machine). The figure is the first look only: a mutant past it runs again with
/// <see cref="PersistentRunner.ConfirmFactor"/> times the budget, and that run decides. The
/// deciding budget (32 ms native, 256 ms under qemu) is over 50 times the CPU time of the slowest
/// built-in task's whole test run (is_square: 0.6 ms on x86_64, 2.2 ms on aarch64 under qemu).
/// </summary>
public static class MutantBudget
{
    /// <summary>Native children need little; under qemu-user a child also translates the code it runs.</summary>
    public static int Ms(Isa isa) => isa.IsNative ? 8 : 64;

    /// <summary>The budget of the run that decides whether a mutant hung.</summary>
    public static int DecidingMs(Isa isa) => Ms(isa) * PersistentRunner.ConfirmFactor;
}

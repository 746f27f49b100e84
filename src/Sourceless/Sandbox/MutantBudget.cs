using System.Numerics;
using Sourceless.Targets;

namespace Sourceless.Sandbox;

/// <summary>
/// How much CPU time one mutant's test child may spend before it counts as hung (the driver's
/// --timeout-ms, enforced with ITIMER_PROF in harness/sl_runtime.h). Most tasks run in
/// microseconds, so the floor decides: generous enough that no correct-but-slower mutant is
/// called hung, small enough that hung mutants do not dominate the runner's time.
/// </summary>
public static class MutantBudget
{
    /// <summary>Native children need little; under qemu-user a child also translates the code it
    /// runs. This is the first look only: a mutant past it is run again with
    /// <see cref="PersistentRunner.ConfirmFactor"/> times the budget (32 ms native, 256 ms under
    /// qemu at the floor), and that run decides whether it hung.</summary>
    public static int FloorMs(Isa isa) => isa.IsNative ? 8 : 64;

    public const int CeilingMs = 2048;

    /// <summary>30 times the measured run time of the pristine code, if known, rounded up to a power
    /// of two (so measurement jitter rarely moves it) within floor..ceiling.</summary>
    public static int Ms(Isa isa, double? pristineNs)
    {
        int floor = FloorMs(isa);
        if (pristineNs is not double ns || ns <= 0) return floor;
        double want = 30 * ns / 1e6;
        if (want <= floor) return floor;
        uint pow = BitOperations.RoundUpToPowerOf2((uint)Math.Ceiling(Math.Min(want, CeilingMs)));
        return (int)Math.Min(pow, CeilingMs);
    }
}

namespace Sourceless.Sandbox;

/// <summary>How one run of an artifact's tests ended. Stored as lower-case text.</summary>
public enum OutcomeKind
{
    Passed,
    WrongOutput,
    Crashed,
    TimedOut,
    KilledByLimit,
    CouldNotStart,
}

/// <summary>The classified result of running a task's tests on one artifact.</summary>
/// <param name="FaultOffset">Where a crash happened: the faulting PC as an offset into the image (-1 outside it).</param>
public sealed record Outcome(OutcomeKind Kind, int? Signal, int CasesPassed, int CasesTotal, string Detail, long? RuntimeNs = null, long? FaultOffset = null)
{
    public bool Passed => Kind == OutcomeKind.Passed;

    /// <summary>Stopped by a clock (wall clock, CPU budget or CPU limit): which cases it reported
    /// before that depends on the machine's speed, so none of them counts (OutcomeClassifier).</summary>
    public bool StoppedByClock => Kind == OutcomeKind.TimedOut || (Kind == OutcomeKind.KilledByLimit && Signal is 9 or 24);

    public string KindText => Text(Kind);

    public static OutcomeKind Parse(string text) => Enum.GetValues<OutcomeKind>().First(k => Text(k) == text);

    public static string Text(OutcomeKind kind) => kind switch
    {
        OutcomeKind.Passed => "passed",
        OutcomeKind.WrongOutput => "wrong_output",
        OutcomeKind.Crashed => "crashed",
        OutcomeKind.TimedOut => "timed_out",
        OutcomeKind.KilledByLimit => "killed_by_limit",
        OutcomeKind.CouldNotStart => "could_not_start",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}

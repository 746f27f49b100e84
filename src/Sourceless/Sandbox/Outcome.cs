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
public sealed record Outcome(OutcomeKind Kind, int? Signal, int CasesPassed, int CasesTotal, string Detail, long? RuntimeNs = null)
{
    public bool Passed => Kind == OutcomeKind.Passed;

    public string KindText => Text(Kind);

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

namespace Sourceless.Sandbox;

/// <summary>Turns a sandbox result and the driver's report into an <see cref="Outcome"/>, against
/// the expected observables of each case.</summary>
public static class OutcomeClassifier
{
    private const int SigKill = 9, SigAlrm = 14, SigXcpu = 24, SigXfsz = 25, SigProf = 27;

    public static Outcome Classify(SandboxResult run, IReadOnlyList<string> expected)
    {
        var report = DriverReport.Parse(run.StandardOutput);
        int total = expected.Count;
        int passed = 0;
        int? firstWrong = null;
        for (int i = 0; i < total; i++)
        {
            if (report.Cases.TryGetValue(i, out var got) && got == expected[i]) passed++;
            else firstWrong ??= i;
        }
        string Mismatch()
        {
            if (firstWrong is not int i) return "";
            return report.Cases.TryGetValue(i, out var got)
                ? $"case {i}: expected {Clip(expected[i])}, got {Clip(got)}"
                : $"case {i}: no result";
        }

        // A run stopped by a clock (the wall clock, a CPU budget or limit) counts no passed case:
        // how far it got before the clock ran out depends on the machine's speed and load, and
        // the same seed must give the same rows (a noisy collatz_steps passed 3 cases in one run
        // and 4 in the next, both killed at the CPU limit).
        if (run.TimedOut) return new(OutcomeKind.TimedOut, null, 0, total, $"wall clock over the limit after {run.WallMs:0} ms");
        if (run.OutputCapped) return new(OutcomeKind.KilledByLimit, null, passed, total, "limit: output size");
        if (report.Error is not null) return new(OutcomeKind.CouldNotStart, null, 0, total, "driver: " + report.Error);
        if (report.StatusKind is null)
        {
            // The driver itself never reported: the sandbox, qemu or the loader failed first.
            string why = run.StandardError.Trim();
            return new(OutcomeKind.CouldNotStart, null, 0, total, $"exit {run.ExitCode}: {Clip(why.Length > 0 ? why : "no output")}");
        }
        if (report.StatusKind == "signal")
        {
            int sig = report.StatusValue ?? 0;
            return sig switch
            {
                SigProf => new(OutcomeKind.TimedOut, sig, 0, total, "CPU time budget of the test child spent (SIGPROF)"),
                SigAlrm => new(OutcomeKind.TimedOut, sig, 0, total, "wall-clock backstop of the test child reached (SIGALRM)"),
                SigXcpu => new(OutcomeKind.KilledByLimit, sig, 0, total, "limit: CPU time (SIGXCPU)"),
                SigXfsz => new(OutcomeKind.KilledByLimit, sig, passed, total, "limit: file size (SIGXFSZ)"),
                SigKill => new(OutcomeKind.KilledByLimit, sig, 0, total, "limit: killed (SIGKILL, CPU hard limit)"),
                _ => new(OutcomeKind.Crashed, sig, passed, total, $"signal {sig} ({SignalName(sig)}) {(firstWrong is int c ? $"in case {c}" : "after all cases")}" +
                    (report.FaultOffset is long f ? (f >= 0 ? $" at image offset 0x{f:x}" : " outside the image") : ""), null, report.FaultOffset),
            };
        }
        if (report.StatusValue != 0)
            return new(OutcomeKind.WrongOutput, null, passed, total, $"test child exited with {report.StatusValue}; {Mismatch()}".TrimEnd(' ', ';'));
        if (passed == total) return new(OutcomeKind.Passed, null, passed, total, "", report.TimeNs);
        return new(OutcomeKind.WrongOutput, null, passed, total, Mismatch());
    }

    public static string SignalName(int sig) => sig switch
    {
        4 => "SIGILL",
        5 => "SIGTRAP",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        13 => "SIGPIPE",
        14 => "SIGALRM",
        24 => "SIGXCPU",
        27 => "SIGPROF",
        25 => "SIGXFSZ",
        31 => "SIGSYS",
        _ => "signal " + sig,
    };

    private static string Clip(string s) => s.Length <= 120 ? s : s[..117] + "...";
}

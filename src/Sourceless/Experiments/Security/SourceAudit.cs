using System.Collections.Concurrent;
using Sourceless.Harness;
using Sourceless.Sandbox;
using Sourceless.Targets;
using Sourceless.Tasks;
using Sourceless.Tools;
using Sourceless.Trials;

namespace Sourceless.Experiments.Security;

/// <summary>
/// The audit a reviewer can run when an artifact comes with its source: cppcheck, gcc's static
/// analyzer (with -Wall -Wformat=2), clang-tidy's analyzer and bug-prone checks, and the task's
/// tests plus its exploit inputs under AddressSanitizer and UndefinedBehaviorSanitizer (run in the
/// sandbox, x86_64). The same source gets the same audit once per trial, whatever its target.
/// </summary>
public sealed class SourceAudit(TrialServices services)
{
    public const string TidyChecks = "-*,clang-analyzer-*,bugprone-*,-bugprone-easily-swappable-parameters,cert-*,-cert-err33-c,-clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling";

    private readonly ConcurrentDictionary<string, Lazy<Task<IReadOnlyList<AuditFinding>>>> _done = new();

    public Task<IReadOnlyList<AuditFinding>> AuditAsync(TestPlan v1Plan, string source, CancellationToken ct) =>
        _done.GetOrAdd(v1Plan.Task.Name + "|" + Workspace.Hash(source), _ => new Lazy<Task<IReadOnlyList<AuditFinding>>>(() => RunAsync(v1Plan, source, ct))).Value;

    private async Task<IReadOnlyList<AuditFinding>> RunAsync(TestPlan v1Plan, string source, CancellationToken ct)
    {
        var task = v1Plan.Task;
        string dir = services.Workspace.Dir("audit", task.Name, Workspace.Hash(source)[..16]);
        string file = Path.Combine(dir, task.Name + ".c");
        Workspace.WriteIfChanged(Path.Combine(dir, "task.h"), task.Header);
        Workspace.WriteIfChanged(file, source);
        string[] includes = ["-I" + dir, "-I" + SourcelessHome.LibDepDir];
        // The source may be model-written: every tool reads it inside the sandbox, seeing this
        // folder and libdep's headers only (UntrustedBuild).
        var untrusted = services.Untrusted;
        Task<ToolResult> Audit(string tool, IReadOnlyList<string> args) => untrusted.RunAsync(tool, args, dir, [SourcelessHome.LibDepDir], ct);
        var findings = new List<AuditFinding>();

        var cpp = await Audit("cppcheck", ["--enable=warning,portability", "--inconclusive", "--quiet",
            "--template={line}:{severity}:{id}:{message}", .. includes, file]);
        findings.Add(Finding("cppcheck", cpp, (cpp.StandardError + cpp.StandardOutput).Split('\n')
            .Where(l => l.Contains(":error:", StringComparison.Ordinal) || l.Contains(":warning:", StringComparison.Ordinal) || l.Contains(":portability:", StringComparison.Ordinal))));

        var gcc = await Audit("gcc", ["-O1", "-fanalyzer", "-Wall", "-Wextra", "-Wformat=2", "-c", "-o", "/dev/null", .. includes, file]);
        findings.Add(Finding("gcc -fanalyzer", gcc, gcc.StandardError.Split('\n').Where(l => l.StartsWith(file, StringComparison.Ordinal) && l.Contains("warning:", StringComparison.Ordinal))));

        var tidy = await Audit("clang-tidy", ["--quiet", "--checks=" + TidyChecks, file, "--", .. includes]);
        findings.Add(Finding("clang-tidy", tidy, tidy.StandardOutput.Split('\n').Where(l => l.StartsWith(file, StringComparison.Ordinal) && l.Contains("warning:", StringComparison.Ordinal))));

        findings.Add(await SanitizersAsync(v1Plan, file, dir, ct));
        return findings;
    }

    private static AuditFinding Finding(string tool, ToolResult r, IEnumerable<string> lines)
    {
        var list = lines.Select(l => l.Trim()).Where(l => l.Length > 0).Distinct().ToList();
        // cppcheck and clang-tidy exit 1 on findings; anything else with no finding is the tool's
        // own failure (a crash, a time-out), which must not read as "nothing found".
        string status = r.ExitCode is 0 or 1 || list.Count > 0 ? "ran" : AuditFinding.ToolError;
        return new AuditFinding(tool, status, list.Count > 0, string.Join(" | ", list.Take(6).Select(Shorten)), r.Invocation.CommandLine);
    }

    private static string Shorten(string line) => line.Contains('/') && line.Contains(".c:", StringComparison.Ordinal)
        ? line[(line.LastIndexOf('/', line.IndexOf(".c:", StringComparison.Ordinal)) + 1)..] : line;

    /// <summary>The v1 tests and the task's exploit inputs, with the source built under ASan and
    /// UBSan and linked into the task's driver, run inside the sandbox.</summary>
    private async Task<AuditFinding> SanitizersAsync(TestPlan v1Plan, string file, string dir, CancellationToken ct)
    {
        const string tool = "asan+ubsan run";
        var task = v1Plan.Task;
        var cases = v1Plan.Cases.Select(c => c with { Expected = "" })
            .Concat(task.Exploits.Select((args, i) => new TestCase(v1Plan.Cases.Count + i, "exploit", args, ""))).ToList();
        var plan = new TestPlan(task, task.V1, cases, services.Harness.WriteSources(task, "audit", cases));
        var target = new Target(Isa.X86_64, "gcc", "-O1");
        string obj = Path.Combine(dir, "asan.o");
        var compile = await services.Untrusted.RunAsync("gcc", Toolchain.CompileArgs(target, file, obj,
            [dir, SourcelessHome.LibDepDir], ["-fsanitize=address,undefined", "-fno-omit-frame-pointer", "-fno-sanitize-recover=undefined"]),
            dir, [SourcelessHome.LibDepDir], ct);
        if (!compile.Succeeded) return new AuditFinding(tool, AuditFinding.ToolError, false, compile.ErrorSummary(200), compile.Invocation.CommandLine);
        string driver = await services.Harness.LinkedDriverAsync(plan, Isa.X86_64, obj, "asan-" + Path.GetFileName(dir), ct, ["-fsanitize=address,undefined"]);
        var request = await services.Runner.RequestAsync(plan, Isa.X86_64, driver, ["--linked"], [], LibDep.Current, ct);
        var env = new Dictionary<string, string>(request.Environment) { ["ASAN_OPTIONS"] = "detect_leaks=0:abort_on_error=0", ["UBSAN_OPTIONS"] = "print_stacktrace=0" };
        var run = await services.Sandbox.RunConfirmedAsync(request with
        {
            Environment = env,
            Limits = services.Sandbox.Limits with { AddressSpaceBytes = -1, CpuSeconds = 20, WallClock = TimeSpan.FromSeconds(60) },
        }, ct);
        var reports = run.StandardError.Split('\n')
            .Where(l => l.Contains("ERROR: AddressSanitizer", StringComparison.Ordinal) || l.Contains("runtime error:", StringComparison.Ordinal))
            .Select(l => l.Trim()).Distinct().ToList();
        // "ran" when the run got through the cases (the driver's status line), hung, or a sanitizer
        // spoke; a run that never started audited nothing.
        // A hang (confirmed) is the audited program's behaviour, not the tool's failure.
        bool finished = run.TimedOut || DriverReport.Parse(run.StandardOutput).StatusKind is not null;
        string status = reports.Count > 0 || finished ? "ran" : AuditFinding.ToolError;
        string findingsText = reports.Count > 0 ? string.Join(" | ", reports.Take(4).Select(Shorten))
            : run.TimedOut ? "the program did not finish under the sanitizers (timed out)"
            : finished ? "" : $"the sanitizer run never started the cases (exit {run.ExitCode}): {Shorten(run.StandardError.Trim().Split('\n')[0])}";
        return new AuditFinding(tool, status, reports.Count > 0, findingsText, run.CommandLine);
    }
}

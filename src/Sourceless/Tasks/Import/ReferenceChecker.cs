using System.Globalization;
using Sourceless.Contenders;
using Sourceless.Harness;
using Sourceless.Sandbox;
using Sourceless.Targets;
using Sourceless.Tools;
using Sourceless.Trials;

namespace Sourceless.Tasks.Import;

/// <summary>What the checks left of a candidate: the inputs kept with their agreed outputs, or why not.</summary>
public sealed record CheckOutcome(IReadOnlyList<TestCase> Kept, Rejection? Rejection, int Dropped, double BuildSeconds, double RunSeconds);

/// <summary>
/// Keeps only inputs on which a function is well defined and stable, with the trial's own
/// machinery: the reference built under ASan + UBSan (in the sandbox, through UntrustedBuild) and
/// linked into the task's trusted driver drops every input that trips a sanitizer, crashes or
/// times out; then each target (gcc and clang, -O0 and -O2, every ISA) builds the bare image
/// exactly as the compiler contenders do (<see cref="CompilerContender"/>) and runs it in the
/// sandbox (<see cref="ArtifactRunner.RunBareAsync"/>); an input survives only where every target
/// gives the sanitized run's output. Fewer than N survivors reject the function.
/// </summary>
public sealed partial class ReferenceChecker(TrialServices services, IReadOnlyList<Target> targets, int minInputs)
{
    /// <summary>Rounds of "drop the input that stopped the run, go on with the rest" before giving up
    /// on the inputs not reached.</summary>
    public const int MaxSanitizerRounds = 6;

    /// <summary>A sanitized run's budget: a function that loops on an input costs this (and the
    /// sandbox's 4x confirmation), not the trial's default.</summary>
    private static SandboxLimits RunLimits(SandboxLimits basis) => basis with { AddressSpaceBytes = -1, CpuSeconds = 4, TestCpuSeconds = 4, WallClock = TimeSpan.FromSeconds(6) };

    private static readonly bool Trace = Environment.GetEnvironmentVariable("SOURCELESS_IMPORT_TRACE") == "1";

    private static void Log(System.Diagnostics.Stopwatch sw, string uid, string what)
    {
        if (Trace) Console.Error.WriteLine($"[import-trace] {uid} {what} {sw.Elapsed.TotalSeconds:0.00}s");
    }

    public async Task<CheckOutcome> CheckAsync(TaskDefinition task, string uid, IReadOnlyList<TestCase> drawn, string source, CancellationToken ct)
    {
        var build = System.Diagnostics.Stopwatch.StartNew();
        double runSeconds = 0;
        Rejection Reject(string reason, string detail) => new(source, task.Name, reason, detail);
        CheckOutcome Done(IReadOnlyList<TestCase> kept, Rejection? r) =>
            new(kept, r, drawn.Count - kept.Count, Math.Max(0, build.Elapsed.TotalSeconds - runSeconds), runSeconds);

        // 1. The sanitized reference.
        string dir = Path.GetDirectoryName(task.V1.ReferencePath)!;
        string obj = Path.Combine(dir, "asan.o");
        var asanTarget = new Target(Isa.X86_64, "gcc", "-O0");
        var compile = await services.Untrusted.RunAsync("gcc", Toolchain.CompileArgs(asanTarget, task.V1.ReferencePath, obj,
            [dir], ["-fsanitize=address,undefined", "-fno-omit-frame-pointer", "-fno-sanitize-recover=all"]), dir, [], ct);
        Log(build, uid, "asan compile");
        if (!compile.Succeeded)
            return Done([], Reject(Reasons.DoesNotCompileAlone, FirstError(compile.StandardError + compile.StandardOutput)));

        var clean = new List<TestCase>();
        var remaining = drawn.ToList();
        string? lastProblem = null;
        for (int round = 0; round < MaxSanitizerRounds && remaining.Count > 0; round++)
        {
            var cases = remaining.Select(c => c with { Expected = "" }).ToList();
            TestPlan plan;
            string driver;
            try
            {
                plan = new TestPlan(task, task.V1, cases, services.Harness.WriteSources(task, $"{uid}-asan{round}", cases));
                driver = await services.Harness.LinkedDriverAsync(plan, Isa.X86_64, obj, $"asan{round}", ct, ["-fsanitize=address,undefined"]);
            }
            catch (Exception e) when (e is ToolFailedException or FormatException)
            {
                return Done([], Reject(Reasons.HarnessFailure, HarnessError("the driver does not build with it", e)));
            }
            Log(build, uid, $"asan driver {round}");
            var request = await services.Runner.RequestAsync(plan, Isa.X86_64, driver, ["--linked", "--token"], [], LibDep.Current, ct);
            var env = new Dictionary<string, string>(request.Environment) { ["ASAN_OPTIONS"] = "detect_leaks=0:abort_on_error=0", ["UBSAN_OPTIONS"] = "print_stacktrace=0" };
            string token = DriverReport.NewToken();
            var sw = System.Diagnostics.Stopwatch.StartNew();
            var run = await services.Sandbox.RunConfirmedAsync(request with { Environment = env, StandardInput = $"T {token}\n", Limits = RunLimits(services.Sandbox.Limits) }, ct);
            runSeconds += sw.Elapsed.TotalSeconds;
            Log(build, uid, $"asan run {round}");
            var report = DriverReport.Parse(DriverReport.Authentic(run.StandardOutput, token));
            bool sanitizer = run.StandardError.Contains("ERROR: AddressSanitizer", StringComparison.Ordinal) || run.StandardError.Contains("runtime error:", StringComparison.Ordinal);
            bool cleanExit = !run.TimedOut && !sanitizer && report.StatusKind == "exit" && report.StatusValue == 0;
            int stop = cases.FindIndex(c => !report.Cases.ContainsKey(c.Index));
            if (cleanExit && stop < 0)
            {
                clean.AddRange(remaining.Select(c => c with { Expected = report.Cases[c.Index] }));
                remaining.Clear();
                break;
            }
            if (stop < 0) stop = cases.Count - 1; // every case printed, yet the run did not end well: blame the last
            clean.AddRange(remaining.Take(stop).Select(c => c with { Expected = report.Cases[c.Index] }));
            lastProblem = run.TimedOut ? "timed out" : sanitizer ? SanitizerLine(run.StandardError) : $"{report.StatusKind} {report.StatusValue}";
            remaining = remaining.Skip(stop + 1).ToList();
        }
        if (clean.Count < minInputs)
            return Done(clean, Reject(Reasons.TooFewCleanInputs,
                $"{clean.Count} of {drawn.Count} inputs ran clean under ASan + UBSan (need {minInputs}){(lastProblem is null ? "" : "; e.g. " + lastProblem)}"));

        // 2. Every target must give the same outputs.
        var kept = clean;
        var compiler = new Dictionary<string, CompilerContender>();
        foreach (var target in targets.OrderBy(t => t.Isa.Name == "x86_64" ? 0 : 1))
        {
            var plan = new TestPlan(task, task.V1, kept, services.Harness.WriteSources(task, $"{uid}-agree{kept.Count}", kept));
            if (!compiler.TryGetValue(target.Compiler, out var contender)) compiler[target.Compiler] = contender = new CompilerContender(target.Compiler, services.Contenders);
            string work = services.Workspace.Dir("import-gen", uid, target.Id.Replace('/', '_'));
            Generation gen;
            try
            {
                gen = await contender.GenerateAsync(new GenerationRequest(task, task.V1, target, 0, 0, plan.Folder, work), ct);
            }
            catch (ToolFailedException e)
            {
                return Done([], Reject(Reasons.NotBareBuildable, $"{target}: {FirstError(e.Message)}"));
            }
            Log(build, uid, $"gen {target}");
            if (gen.Artifact is null) return Done([], Reject(Reasons.NotBareBuildable, $"{target}: {FirstError(gen.Failure ?? "no image")}"));
            Execution exec;
            var sw = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                exec = await services.Runner.RunBareAsync(plan, target.Isa, gen.Artifact.Code, ct);
            }
            catch (ToolFailedException e)
            {
                return Done([], Reject(Reasons.HarnessFailure, $"{target}: {HarnessError("the harness could not run it", e)}"));
            }
            runSeconds += sw.Elapsed.TotalSeconds;
            Log(build, uid, $"run {target}");
            var report = DriverReport.Parse(exec.Raw.StandardOutput);
            var agreeing = kept.Where(c => report.Cases.TryGetValue(c.Index, out var got) && got == c.Expected).ToList();
            if (agreeing.Count < minInputs)
            {
                var first = kept.FirstOrDefault(c => !report.Cases.TryGetValue(c.Index, out var got) || got != c.Expected);
                string example = first is null ? "" : report.Cases.TryGetValue(first.Index, out var g)
                    ? $"; e.g. case {first.Index}: sanitized gcc -O0 gives {Short(first.Expected!)}, {target} gives {Short(g)}"
                    : $"; e.g. case {first.Index}: {target} {exec.Outcome.KindText} {exec.Outcome.Detail}";
                return Done(agreeing, Reject(Reasons.TargetsDisagree,
                    $"only {agreeing.Count} of {kept.Count} well-defined inputs give the same output on {target} as the sanitized reference (need {minInputs}){example}"));
            }
            kept = agreeing;
        }
        return Done(kept, null);
    }

    /// <summary>Why the trusted harness failed on the function: the tool's own first complaint (a
    /// symbol first: a call into libm is undefined, a function named like a runtime one is defined
    /// twice), without the scratch folder's paths.</summary>
    private static string HarnessError(string what, Exception e)
    {
        if (e is not ToolFailedException t) return FirstError(e.Message);
        string? symbol = t.StderrTail.Split('\n').FirstOrDefault(l =>
            l.Contains("undefined reference", StringComparison.Ordinal) || l.Contains("multiple definition", StringComparison.Ordinal));
        string line = WithoutPaths(symbol?.Trim() ?? FirstError(t.StderrTail));
        return $"{what}: {(line.Length > 240 ? line[..240] + "..." : line)}";
    }

    /// <summary>Every absolute path (a word that starts with '/') reduced to its file name; what
    /// follows its first ':' (a line number, a message) stays.</summary>
    private static string WithoutPaths(string text) => AbsolutePath().Replace(text, m =>
    {
        int colon = m.Value.IndexOf(':', StringComparison.Ordinal);
        string path = colon < 0 ? m.Value : m.Value[..colon];
        return Path.GetFileName(path.TrimEnd('/')) + (colon < 0 ? "" : m.Value[colon..]);
    });

    [System.Text.RegularExpressions.GeneratedRegex(@"(?<=^|[\s'""`(<\[])/[^\s'""`)>\]]*")]
    private static partial System.Text.RegularExpressions.Regex AbsolutePath();

    private static string Short(string s) => s.Length <= 60 ? s : s[..57] + "...";

    private static string SanitizerLine(string stderr) =>
        stderr.Split('\n').FirstOrDefault(l => l.Contains("runtime error:", StringComparison.Ordinal) || l.Contains("ERROR: AddressSanitizer", StringComparison.Ordinal))?.Trim() is { } l
            ? Short(l.Contains(".c:", StringComparison.Ordinal) ? l[(l.LastIndexOf('/', l.IndexOf(".c:", StringComparison.Ordinal)) + 1)..] : l) : "a sanitizer report";

    /// <summary>The first line that says "error", without the work folder's paths.</summary>
    public static string FirstError(string text)
    {
        string line = text.Split('\n').FirstOrDefault(l => l.Contains("error", StringComparison.OrdinalIgnoreCase))?.Trim()
            ?? text.Split('\n').FirstOrDefault(l => l.Trim().Length > 0)?.Trim() ?? "(no message)";
        int c = line.IndexOf(".c:", StringComparison.Ordinal);
        if (c > 0) line = line[(line.LastIndexOf('/', c) + 1)..];
        return line.Length > 240 ? line[..240] + "..." : line;
    }
}

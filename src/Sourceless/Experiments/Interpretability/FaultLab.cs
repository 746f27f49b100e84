using Sourceless.Harness;
using Sourceless.Sandbox;
using Sourceless.Store;
using Sourceless.Targets;
using Sourceless.Trials;

namespace Sourceless.Experiments.Interpretability;

/// <summary>A typo'd source after the compiler and linker: rejected (with the row that says how)
/// or an image to run as a mutant.</summary>
public sealed record TypoBuild(Typo Typo, int Index, int Line, FaultRow? Rejected, byte[]? Image);

/// <summary>
/// Injects and classifies faults in one artifact: builds typo'd sources, runs mutants through the
/// persistent runner, locates crashes through DWARF, and turns each outcome into its stored row.
/// The trial (<see cref="InterpretabilityExperiment"/>) and <c>sourceless rerun</c> both go
/// through here, so a re-run fault is judged exactly as it was in the trial.
/// </summary>
public sealed class FaultLab(TrialServices services, TestPlan plan, string artifactId, Target target, Isa runIsa, string work)
{
    /// <summary>Mutant ids at and above this are typos (index = id - TypoBase); below, bit index offset*8+bit.</summary>
    public const long TypoBase = 1_000_000;

    public static string FlipId(string artifactId, int offset, int bit) => $"{artifactId}|flip|{offset}.{bit}";
    public static string TypoId(string artifactId, int index) => $"{artifactId}|typo|{index}";

    /// <summary>Compiles the reference with one typo, as the contender's compiler would, and links it.</summary>
    public async Task<TypoBuild> BuildTypoAsync(string referenceText, Typo typo, int index, CancellationToken ct)
    {
        var task = plan.Task;
        string id = TypoId(artifactId, index);
        string file = Path.Combine(work, $"ref-typo{index}.c");
        await File.WriteAllTextAsync(file, typo.Apply(referenceText), ct);
        int line = typo.Line(referenceText);
        var (tool, _) = Toolchain.Compiler(target.Compiler, target.Isa);
        string obj = Path.Combine(work, $"typo{index}.o");
        var compile = await TaskSourceBuild.RunAsync(task, tool, Toolchain.CompileArgs(target, file, obj,
            [plan.Folder, SourcelessHome.LibDepDir], Diagnostics.Flags(target.Compiler)), work, [file, plan.Folder, SourcelessHome.LibDepDir], services.Tools, services.Untrusted, ct);
        string what = typo.Describe(referenceText);
        if (!compile.Succeeded)
        {
            var errors = Diagnostics.Parse(target.Compiler, compile.StandardError).Where(d => d.Severity is "error" or "fatal error").ToList();
            var first = errors.FirstOrDefault(d => d.File.EndsWith(Path.GetFileName(file), StringComparison.Ordinal));
            bool here = first is not null && Math.Abs(first.Line - line) <= 1;
            string outcome = here ? "rejected_here" : "rejected_elsewhere";
            return new TypoBuild(typo, index, line, new FaultRow(id, artifactId, "typo", typo.Position, null, typo.Encode(), line, outcome, null,
                first?.Line, null, here, InterpretabilityExperiment.Value(outcome, here),
                $"{what}: {errors.FirstOrDefault()?.Message ?? compile.ErrorSummary(200)}"), null);
        }
        var link = await services.Contenders.Linker.LinkAsync(target.Isa, obj, task.Signature.Name, work, ct);
        if (link.Image is null)
            return new TypoBuild(typo, index, line, new FaultRow(id, artifactId, "typo", typo.Position, null, typo.Encode(), line,
                "rejected_elsewhere", null, null, null, false, 0, $"{what}: {link.Failure}"), null);
        return new TypoBuild(typo, index, line, null, link.Image);
    }

    /// <summary>Runs the flips and the typos that built, and returns one row per fault (rejected typos included).</summary>
    public async Task<List<FaultRow>> RunAsync(byte[] code, byte[]? debugImage, IReadOnlyList<int> flipBits, IReadOnlyList<TypoBuild> typos,
        int budgetMs, CancellationToken ct)
    {
        var mutants = new List<Mutant>();
        foreach (var b in flipBits) mutants.Add(new FlipMutant(b, b / 8, (byte)(1 << (b % 8))));
        foreach (var t in typos.Where(t => t.Image is not null)) mutants.Add(new ImageMutant(TypoBase + t.Index, t.Image!));
        var results = await new PersistentRunner(services.Runner).RunAsync(plan, runIsa, code, mutants, budgetMs, ct);

        // Locate: the line of each flipped byte and of each faulting PC, through DWARF when there is some.
        IReadOnlyDictionary<long, int> lines = new Dictionary<long, int>();
        if (debugImage is not null)
            lines = await SourceLines.MapAsync(debugImage, target.Isa,
                flipBits.Select(b => (long)(b / 8)).Concat(results.Where(r => r.Id < TypoBase).Select(r => r.FaultOffset)),
                Path.GetFileName(plan.Task.V1.ReferencePath), work, services.Tools, ct);

        var rows = typos.Where(t => t.Rejected is not null).Select(t => t.Rejected!).ToList();
        var typoById = typos.ToDictionary(t => TypoBase + t.Index);
        foreach (var r in results)
        {
            string outcome = r.Kind == OutcomeKind.Passed ? "benign" : Outcome.Text(r.Kind);
            if (r.Id >= TypoBase)
            {
                var t = typoById[r.Id];
                rows.Add(new FaultRow(TypoId(artifactId, t.Index), artifactId, "typo", t.Typo.Position, null, t.Typo.Encode(), t.Line, outcome,
                    r.Signal == 0 ? null : r.Signal, null, null, false, InterpretabilityExperiment.Value(outcome, false), $"compiled; {Progress(r)}"));
                continue;
            }
            int offset = (int)(r.Id / 8), bit = (int)(r.Id % 8);
            int? srcLine = lines.TryGetValue(offset, out var sl) ? sl : null;
            int? faultLine = r.FaultOffset >= 0 && lines.TryGetValue(r.FaultOffset, out var fl) ? fl : null;
            bool located = r.Kind == OutcomeKind.Crashed && srcLine is not null && faultLine == srcLine;
            rows.Add(new FaultRow(FlipId(artifactId, offset, bit), artifactId, "flip", offset, bit, null, srcLine, outcome,
                r.Signal == 0 ? null : r.Signal, null, faultLine, located, InterpretabilityExperiment.Value(outcome, located),
                r.FaultOffset >= 0 ? $"fault at image offset 0x{r.FaultOffset:x}" : Progress(r)));
        }
        return rows;
    }

    /// <summary>How far a mutant got. A hung one is not given a count: how many cases it passed
    /// before the budget ran out depends on the machine's speed, and rows must not.</summary>
    private static string Progress(MutantResult r) =>
        r.Kind is OutcomeKind.TimedOut or OutcomeKind.KilledByLimit ? "no result within its budget" : $"{r.CasesPassed} cases passed";
}

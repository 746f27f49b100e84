using System.Collections.Concurrent;
using Sourceless.Artifacts;
using Sourceless.Harness;
using Sourceless.Store;
using Sourceless.Trials;
using static Sourceless.Experiments.ExperimentRuns;

namespace Sourceless.Experiments.Dependencies;

/// <summary>
/// Experiment 8, dependencies and linking: every artifact (generation 0) of a task that calls
/// libdep runs against libdep v1.0 and v1.1 (same soname, v1.1 fixes two bugs) with nothing
/// regenerated. Does it pick up the fix? And does it declare what it depends on, so a software
/// bill of materials can be written from it?
/// </summary>
public sealed class DependenciesExperiment : IExperiment
{
    public string Id => "dependencies";
    public Concern Concern => Concern.Dependencies;
    private readonly ConcurrentDictionary<string, Lazy<Task<bool>>> _observable = new();

    public IEnumerable<WorkItem> Plan(TrialContext context) =>
        context.Slots.Where(s => s.Index == 0 && s.Task.UsesLibDep).Select(s => WorkItem.Of(Id, s));

    public async Task<IReadOnlyList<IRow>> RunAsync(WorkItem item, TrialContext context, CancellationToken ct)
    {
        var artifact = StoredArtifact.Load(context.Store, item.ArtifactId);
        if (artifact is null) return []; // nothing to look at: the runner marks the item done
        var plan = context.Plans[item.Task];
        var runner = context.Services.Runner;
        var old = await runner.RunBareAsync(plan, item.RunIsa, artifact.Code, ct, libDepVersion: "1.0");
        var fixedRun = await runner.RunBareAsync(plan, item.RunIsa, artifact.Code, ct, libDepVersion: "1.1");
        bool observable = await FixObservableAsync(plan, context, ct);
        bool pass10 = old.Outcome.Kind == Sandbox.OutcomeKind.Passed, pass11 = fixedRun.Outcome.Kind == Sandbox.OutcomeKind.Passed;
        bool follows = observable ? pass11 && !pass10 : pass11 && pass10;
        var inferred = await Disassembly.OfAsync(artifact.Code, artifact.Target.Isa, context.Services.Workspace, context.Services.Tools, context.Services.Imports, ct);
        string? sbom = Sbom.CycloneDx(artifact, LibDep.Current);
        string detail = observable
            ? $"v1.0 {old.Outcome.KindText} ({old.Outcome.CasesPassed}/{old.Outcome.CasesTotal}), v1.1 {fixedRun.Outcome.KindText} ({fixedRun.Outcome.CasesPassed}/{fixedRun.Outcome.CasesTotal}): the reference itself changes with the fix"
            : $"v1.0 {old.Outcome.KindText}, v1.1 {fixedRun.Outcome.KindText}: the fix does not change this task's results";
        return [new DependencyRow(item.ArtifactId, item.ArtifactId, string.Join(' ', artifact.Dependencies), string.Join(' ', inferred.ImportsCalled), sbom,
                old.Outcome.KindText, fixedRun.Outcome.KindText, observable, follows, detail)];
    }

    /// <summary>Whether the task's own reference (gcc -O0, linked against libdep) gives different
    /// results under v1.0: only then can an artifact show that it follows the library.</summary>
    private Task<bool> FixObservableAsync(TestPlan plan, TrialContext context, CancellationToken ct) =>
        // Keyed by the plan's folder: one answer per task and trial workspace (the registry's
        // experiment instances outlive a trial, and another suite may reuse a task name).
        _observable.GetOrAdd(plan.Folder, _ => new Lazy<Task<bool>>(async () =>
        {
            var target = TestPlanner.ReferenceTarget;
            string obj = await context.Services.Planner.CompileReferenceAsync(plan, target, plan.Version.ReferencePath, "ref", ct);
            string driver = await context.Services.Harness.LinkedDriverAsync(plan, target.Isa, obj, "ref-O0", ct);
            var run = await context.Services.Runner.RunLinkedAsync(plan, target.Isa, driver, ct, libDepVersion: "1.0");
            return run.Outcome.Kind != Sandbox.OutcomeKind.Passed;
        })).Value;

    public const string ScoreSql = """
        SELECT a.contender, COUNT(*) AS artifacts,
               AVG(CASE WHEN d.follows_library THEN 1.0 ELSE 0.0 END) AS follows,
               AVG(CASE WHEN d.declared <> '' THEN 1.0 ELSE 0.0 END) AS declares,
               AVG(CASE WHEN d.sbom IS NOT NULL THEN 1.0 ELSE 0.0 END) AS sbom,
               AVG(CASE WHEN d.inferred <> '' THEN 1.0 ELSE 0.0 END) AS inferred
        FROM dependencies d JOIN artifacts a USING (artifact_id)
        GROUP BY a.contender ORDER BY a.contender
        """;

    public ReportSection Report(TrialStore store, TrialSettings facts)
    {
        var rows = store.Rows<ScoreInputs>(ScoreSql);
        var scores = rows.Select(r => new ExperimentScore(Id, Concern, S(r.Contender), 100 * (D(r.Follows) + D(r.Declares)) / 2,
            $"picks up the fix {Pct(r.Follows)}, declares its dependencies {Pct(r.Declares)} over {S(r.Artifacts)} libdep artifacts")).ToList();
        var contenders = rows.Select(r => S(r.Contender)).ToList();
        var bars = new BarSeries("libdep artifacts: fix picked up, dependencies declared, calls inferred from bytes", contenders,
            [("picks up v1.1's fix", rows.Select(r => 100 * D(r.Follows)).ToList()),
             ("declares dependencies (SBOM)", rows.Select(r => 100 * D(r.Declares)).ToList()),
             ("calls inferred from bytes", rows.Select(r => 100 * D(r.Inferred)).ToList())], "%");
        var byTask = store.Rows<PerTask>("""
            SELECT a.task, a.contender, d.fix_observable, COUNT(*) AS artifacts,
                   SUM(CASE WHEN d.outcome_v10 = 'passed' THEN 1 ELSE 0 END) AS pass_v10,
                   SUM(CASE WHEN d.outcome_v11 = 'passed' THEN 1 ELSE 0 END) AS pass_v11,
                   MODE(d.declared) AS declared, MODE(d.inferred) AS inferred
            FROM dependencies d JOIN artifacts a USING (artifact_id) GROUP BY ALL ORDER BY 1, 2
            """);
        return new ReportSection(Id, Concern, "Dependencies and linking",
            "Each artifact of a task that calls libdep ran against libdep v1.0 and then v1.1, which fixes two bugs, with nothing regenerated. " +
            "Where the fix changes the task's own results, an artifact picks it up when it fails under v1.0 and passes under v1.1; elsewhere when it passes under both. " +
            "A declared dependency list is what a software bill of materials (CycloneDX, stored in dependencies.sbom) is written from; calls that binary inspection infers from jumps into the import table are shown but not counted, since the table's names come from the harness, not from the artifact.",
            "score = 100 x mean over libdep artifacts of (picks up v1.1's fix without regeneration + declares its dependencies) / 2",
            ScoreSql, scores,
            [
                new ReportTable("Score inputs per contender", ["contender", "artifacts", "picks up the fix", "declares dependencies", "SBOM written", "calls inferred from bytes"],
                    rows.Select(r => (IReadOnlyList<string>)[S(r.Contender), S(r.Artifacts), Pct(r.Follows), Pct(r.Declares), Pct(r.Sbom), Pct(r.Inferred)]).ToList()),
                new ReportTable("Per task: passing under libdep v1.0 and v1.1", ["task", "contender", "fix changes results", "artifacts", "pass v1.0", "pass v1.1", "declared", "inferred from bytes"],
                    byTask.Select(r => (IReadOnlyList<string>)[S(r.Task), S(r.Contender), S(r.FixObservable), S(r.Artifacts), S(r.PassV10), S(r.PassV11), S(r.Declared), S(r.Inferred)]).ToList()),
            ],
            [bars]);
    }

    private sealed record ScoreInputs(string Contender, long Artifacts, double? Follows, double? Declares, double? Sbom, double? Inferred);
    private sealed record PerTask(string Task, string Contender, bool? FixObservable, long Artifacts, long PassV10, long PassV11, string? Declared, string? Inferred);
}

/// <summary>One libdep artifact against libdep v1.0 and v1.1 (table dependencies).</summary>
[Table("dependencies")]
public sealed record DependencyRow(string RowId, string ArtifactId, string Declared, string Inferred, string? Sbom, string OutcomeV10, string OutcomeV11,
    bool FixObservable, bool FollowsLibrary, string Detail) : IRow;

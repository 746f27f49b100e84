using Sourceless.Contenders;
using Sourceless.Tasks;
using Sourceless.Targets;
using Sourceless.Trials;

namespace Sourceless.Harness;

/// <summary>One check of <c>sourceless tasks validate</c>: a task source built for a target and
/// run through the bare-bytes path against the hidden tests.</summary>
public sealed record ValidationResult(string Task, string Variant, string Target, bool Ok, string Detail);

/// <summary>
/// Compiles every task (v1, v2 and the vulnerable variant) on every target, links it into a bare
/// image and runs its tests in the sandbox, exactly the path a contender's artifact takes. Any
/// failure is a broken task (or a broken toolchain) and is reported with the reason.
/// </summary>
public sealed class TaskValidator(TrialServices services)
{
    public async Task<IReadOnlyList<ValidationResult>> ValidateAsync(IReadOnlyList<TaskDefinition> tasks, IReadOnlyList<Target> targets,
        ulong seed, int jobs, Action<ValidationResult>? progress, CancellationToken ct)
    {
        var results = new List<ValidationResult>();
        var work = new List<(TestPlan Plan, string Variant, string Source, Target Target)>();
        foreach (var task in tasks)
        {
            foreach (var version in task.V2 is null ? new[] { task.V1 } : [task.V1, task.V2])
            {
                TestPlan plan;
                try
                {
                    plan = await services.Planner.PlanAsync(task, version, seed, ct);
                }
                catch (TaskBrokenException e)
                {
                    var r = new ValidationResult(task.Name, version.Label, "tests", false, e.Message);
                    results.Add(r);
                    progress?.Invoke(r);
                    continue;
                }
                foreach (var t in targets) work.Add((plan, version.Label, version.ReferencePath, t));
                if (version == task.V1 && task.VulnerablePath is not null)
                    foreach (var t in targets) work.Add((plan, "vuln", task.VulnerablePath, t));
            }
        }
        var gate = new object();
        await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = jobs, CancellationToken = ct }, async (w, token) =>
        {
            var r = await CheckAsync(w.Plan, w.Variant, w.Source, w.Target, token);
            lock (gate) results.Add(r);
            progress?.Invoke(r);
        });
        return results.OrderBy(r => r.Task, StringComparer.Ordinal).ThenBy(r => r.Variant, StringComparer.Ordinal).ThenBy(r => r.Target, StringComparer.Ordinal).ToList();
    }

    private async Task<ValidationResult> CheckAsync(TestPlan plan, string variant, string source, Target target, CancellationToken ct)
    {
        string work = services.Workspace.Dir("validate", plan.Task.Name, variant, target.Id.Replace('/', '_'));
        var compiler = new CompilerContender(target.Compiler, services.Contenders);
        var version = plan.Version with { ReferencePath = source };
        var gen = await compiler.GenerateAsync(new GenerationRequest(plan.Task, version, target, 0, 0, plan.Folder, work), ct);
        if (gen.Artifact is null) return new(plan.Task.Name, variant, target.Id, false, gen.Failure ?? "no artifact");
        var run = await services.Runner.RunBareAsync(plan, target.Isa, gen.Artifact.Code, ct);
        return new(plan.Task.Name, variant, target.Id, run.Outcome.Passed,
            run.Outcome.Passed ? $"{run.Outcome.CasesTotal} cases, {gen.Artifact.Code.Length} bytes" : $"{run.Outcome.KindText}: {run.Outcome.Detail}");
    }
}

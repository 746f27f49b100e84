using Sourceless.Contenders;
using Sourceless.Experiments;
using Sourceless.Harness;
using Sourceless.Tasks;
using Sourceless.Targets;
using Sourceless.Trials;

namespace Sourceless.Tests.Support;

/// <summary>A built-in task's version compiled by a real compiler contender, with the task's v1
/// hidden test plan: the planted cases of the experiment specs start from these.</summary>
public static class Compiled
{
    public static TaskDefinition Task(string name) => TaskSuite.Load(SourcelessHome.TasksDir).Select(name)[0];

    public static async Task<(TestPlan Plan, StoredArtifact Artifact)> BuildAsync(TrialServices services, string task, string version, Target target, CancellationToken ct)
    {
        var t = Task(task);
        var plan = await services.Planner.PlanAsync(t, t.V1, 1, ct);
        var gen = await new CompilerContender(target.Compiler, services.Contenders).GenerateAsync(
            new GenerationRequest(t, t.Version(version), target, 0, 1, plan.Folder,
                services.Workspace.Dir("gen", $"{task}-{version}-{target.Id.Replace('/', '_')}")), ct);
        Assert.True(gen.Artifact is not null, gen.Failure);
        return (plan, StoredArtifact.From(gen.Artifact!));
    }
}

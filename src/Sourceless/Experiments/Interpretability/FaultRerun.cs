using System.Globalization;
using Sourceless.Harness;
using Sourceless.Store;
using Sourceless.Targets;
using Sourceless.Tasks;
using Sourceless.Trials;

namespace Sourceless.Experiments.Interpretability;

/// <summary>
/// One stored fault injected again: the same flipped bit or the same typo, the same tests, the same
/// budget, in a fresh persistent runner. What `sourceless rerun` prints,
/// and what the tests use to check that a stored row is what the fault does, not what the machine
/// happened to be doing.
/// </summary>
public static class FaultRerun
{
    /// <param name="stored">The fault's row joined with its artifact's task and target.</param>
    public static async Task<FaultRow> RunAsync(TrialStore store, Dictionary<string, object?> stored, TrialServices services, CancellationToken ct)
    {
        var facts = TrialSettings.Load(store);
        string artifactId = (string)stored["artifact_id"]!;
        var suite = TaskSuite.Load(facts.Suite);
        var task = suite.Select((string)stored["task"]!)[0];
        var target = Target.Parse((string)stored["target"]!);
        var code = store.ArtifactCode(artifactId) ?? throw new UserError($"artifact {artifactId} has no stored code");
        var plan = await services.Planner.PlanAsync(task, task.V1, facts.Seed, ct);
        string work = services.Workspace.Dir("faults", "rerun");
        var lab = new FaultLab(services, plan, artifactId, target, target.Isa, work);
        int budget = InterpretabilityExperiment.BudgetMs(target.Isa);
        var debug = store.ArtifactDebugImage(artifactId);
        List<FaultRow> rows;
        if ((string)stored["kind"]! == "flip")
        {
            int bit = Convert.ToInt32(stored["position"], CultureInfo.InvariantCulture) * 8 + Convert.ToInt32(stored["bit"], CultureInfo.InvariantCulture);
            rows = await lab.RunAsync(code, debug, [bit], [], budget, ct);
        }
        else
        {
            string refText = await File.ReadAllTextAsync(task.V1.ReferencePath, ct);
            int index = int.Parse(((string)stored["fault_id"]!).Split('|')[^1], CultureInfo.InvariantCulture);
            var build = await lab.BuildTypoAsync(refText, Typo.Decode((string)stored["edit"]!), index, ct);
            rows = await lab.RunAsync(code, debug, [], [build], budget, ct);
        }
        return rows.Single();
    }

    /// <summary>The stored faults (with task and target) that a query selects, for <see cref="RunAsync"/>.</summary>
    public static List<Dictionary<string, object?>> Stored(TrialStore store, string where = "TRUE", params object?[] args) =>
        store.Query($"SELECT f.*, a.task, a.target FROM faults f JOIN artifacts a USING (artifact_id) WHERE {where} ORDER BY f.fault_id", args);

    /// <summary>The outcome of a fault: what must be the same however often and wherever it is run.</summary>
    public static bool Same(Dictionary<string, object?> stored, FaultRow now) =>
        Text(stored["outcome"]) == now.Outcome && Text(stored["signal"]) == Text(now.Signal)
        && Text(stored["diagnostic_line"]) == Text(now.DiagnosticLine) && Text(stored["fault_line"]) == Text(now.FaultLine);

    private static string? Text(object? v) => v is null ? null : Convert.ToString(v, CultureInfo.InvariantCulture);
}

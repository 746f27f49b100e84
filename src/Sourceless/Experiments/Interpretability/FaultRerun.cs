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
    public static async Task<FaultRow> RunAsync(TrialStore store, StoredFault stored, TrialServices services, CancellationToken ct)
    {
        var facts = TrialSettings.Load(store);
        string artifactId = stored.ArtifactId;
        var suite = TaskSuite.FromSetting(facts.Suite);
        var task = suite.Select(stored.Task)[0];
        var target = Target.Parse(stored.Target);
        var code = store.ArtifactCode(artifactId) ?? throw new UserError($"artifact {artifactId} has no stored code");
        var plan = await services.Planner.PlanAsync(task, task.V1, facts.Seed, ct, facts.Visible);
        string work = services.Workspace.Dir("faults", "rerun");
        var lab = new FaultLab(services, plan, artifactId, target, target.Isa, work);
        int budget = InterpretabilityExperiment.BudgetMs(target.Isa);
        var debug = store.ArtifactDebugImage(artifactId);
        List<FaultRow> rows;
        if (stored.Kind == "flip")
        {
            int bit = stored.Position * 8 + (stored.Bit ?? throw new InvalidOperationException($"flip {stored.FaultId} has no stored bit"));
            rows = await lab.RunAsync(code, debug, [bit], [], budget, ct);
        }
        else
        {
            string refText = await File.ReadAllTextAsync(task.V1.ReferencePath, ct);
            int index = int.Parse(stored.FaultId.Split('|')[^1], CultureInfo.InvariantCulture);
            var build = await lab.BuildTypoAsync(refText, Typo.Decode(stored.Edit!), index, ct);
            rows = await lab.RunAsync(code, debug, [], [build], budget, ct);
        }
        return rows.Single();
    }

    /// <summary>The stored faults (with task and target) that a query selects, for <see cref="RunAsync"/>.</summary>
    public static IReadOnlyList<StoredFault> Stored(TrialStore store, string where = "TRUE", params object?[] args) =>
        store.Rows<StoredFault>($"SELECT f.*, a.task, a.target FROM faults f JOIN artifacts a USING (artifact_id) WHERE {where} ORDER BY f.fault_id", args);

    /// <summary>The outcome of a fault: what must be the same however often and wherever it is run.</summary>
    public static bool Same(StoredFault stored, FaultRow now) =>
        stored.Outcome == now.Outcome && Text(stored.Signal) == Text(now.Signal)
        && Text(stored.DiagnosticLine) == Text(now.DiagnosticLine) && Text(stored.FaultLine) == Text(now.FaultLine);

    private static string? Text(object? v) => v is null ? null : Convert.ToString(v, CultureInfo.InvariantCulture);
}

/// <summary>A stored fault as <see cref="FaultRerun.Stored"/> reads it: every column of the faults
/// table (f.*, the session too) and its artifact's task and target.</summary>
public sealed record StoredFault(string FaultId, string ArtifactId, string Kind, int Position, int? Bit, string? Edit, int? SourceLine,
    string Outcome, int? Signal, int? DiagnosticLine, int? FaultLine, bool Located, int Value, string Detail, int? Session, string Task, string Target);

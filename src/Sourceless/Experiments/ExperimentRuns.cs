using Sourceless.Harness;
using Sourceless.Store;
using Sourceless.Trials;

namespace Sourceless.Experiments;

/// <summary>The run shared by experiments that execute an artifact's tests on one ISA.</summary>
public static class ExperimentRuns
{
    public static async Task<IReadOnlyList<IRow>> RunTestsAsync(string experiment, WorkItem item, TrialContext ctx, CancellationToken ct)
    {
        var code = ctx.Store.ArtifactCode(item.ArtifactId);
        if (code is null) return []; // the generation failed: nothing to run, and the score counts it as a failure
        var plan = ctx.Plans[item.Task];
        // Runs that time the code are never shared: timing is a measurement of its own.
        if (item.TimeRepeats > 0)
        {
            var timed = await ctx.Services.Runner.RunBareAsync(plan, item.RunIsa, code, ct, timeRepeats: item.TimeRepeats);
            return [Row(experiment, item, timed.Outcome, timed)];
        }
        string key = $"{plan.Key}|{item.RunIsa.Name}|{Workspace.Hash(code)}";
        var shared = ctx.SharedRuns.GetOrAdd(key, _ => new Lazy<Task<(Execution, string)>>(async () =>
            (await ctx.Services.Runner.RunBareAsync(plan, item.RunIsa, code, ct), item.ArtifactId)));
        // Every artifact with these bytes gets the same row, whichever of them happened to run
        // first (naming it would make the rows depend on scheduling).
        var (exec, _) = await shared.Value;
        return [Row(experiment, item, exec.Outcome, exec)];
    }

    private static ExecutionRow Row(string experiment, WorkItem item, Sandbox.Outcome outcome, Execution exec) =>
        ExecutionRow.Of(item.Key, item.ArtifactId, experiment, item.RunIsa.Name, LibDep.Current, outcome, exec.Raw.WallMs, exec.Raw.CommandLine);

    public static string Pct(object? v) => v is null ? "-" : (Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture) * 100).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + "%";

    public static string Num(object? v, string format = "0.##") => v is null ? "-" : Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture).ToString(format, System.Globalization.CultureInfo.InvariantCulture);

    public static double D(object? v) => v is null ? 0 : Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture);

    public static string S(object? v) => v?.ToString() ?? "";
}

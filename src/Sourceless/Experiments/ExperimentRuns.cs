using Sourceless.Store;
using Sourceless.Trials;

namespace Sourceless.Experiments;

/// <summary>The run shared by experiments that execute an artifact's tests on one ISA.</summary>
public static class ExperimentRuns
{
    public static async Task<IReadOnlyList<ExecutionRow>> RunTestsAsync(string experiment, WorkItem item, TrialContext ctx, CancellationToken ct)
    {
        var code = ctx.Store.ArtifactCode(item.ArtifactId);
        if (code is null) return []; // the generation failed: nothing to run, and the score counts it as a failure
        var plan = ctx.Plans[item.Task];
        var exec = await ctx.Services.Runner.RunBareAsync(plan, item.RunIsa, code, ct, timeRepeats: item.TimeRepeats);
        return [new ExecutionRow(item.Key, item.ArtifactId, experiment, item.RunIsa.Name, Harness.LibDep.Current, exec.Outcome, exec.Raw.WallMs, exec.Raw.CommandLine)];
    }

    public static string Pct(object? v) => v is null ? "-" : (Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture) * 100).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + "%";

    public static string Num(object? v, string format = "0.##") => v is null ? "-" : Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture).ToString(format, System.Globalization.CultureInfo.InvariantCulture);

    public static double D(object? v) => v is null ? 0 : Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture);

    public static string S(object? v) => v?.ToString() ?? "";
}

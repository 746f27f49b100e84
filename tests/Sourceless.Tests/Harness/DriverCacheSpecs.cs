using Sourceless.Targets;
using Sourceless.Tests.Support;
using Sourceless.Trials;

namespace Sourceless.Tests.Harness;

/// <summary>Built drivers are cached by content across run folders (real gcc): a second run folder
/// takes the driver from the cache instead of compiling it, other inputs make another entry, and
/// the runtime every driver links is compiled once.</summary>
public sealed class DriverCacheSpecs : IDisposable
{
    private readonly TempFolder _tmp = new("sl-drivers");

    public void Dispose() => _tmp.Dispose();

    [Fact]
    public async Task A_second_run_folder_takes_the_driver_from_the_cache_and_other_inputs_make_another()
    {
        var ct = TestContext.Current.CancellationToken;
        string cache = _tmp.Sub("cache");
        var task = Compiled.Task("abs_diff");
        var first = new TrialServices(_tmp.Sub("a"), 2, driverCache: cache);
        var plan = await first.Planner.PlanAsync(task, task.V1, 1, ct);
        string built = await first.Harness.BareDriverAsync(plan, Isa.X86_64, ct);
        var entries = Directory.GetFiles(Path.Combine(cache, "x86_64"), "*", SearchOption.AllDirectories)
            .Where(f => File.ReadAllBytes(f).AsSpan().SequenceEqual(File.ReadAllBytes(built))).ToList();
        string entry = Assert.Single(entries);

        // Plant a marker in the entry: a driver that came from the cache is the marker, one compiled anew is not.
        var other = Compiled.Task("max3");
        string otherDriver = await first.Harness.BareDriverAsync(await first.Planner.PlanAsync(other, other.V1, 1, ct), Isa.X86_64, ct);
        File.Copy(otherDriver, entry, overwrite: true);
        var second = new TrialServices(_tmp.Sub("b"), 2, driverCache: cache);
        var again = await second.Planner.PlanAsync(task, task.V1, 1, ct);
        string reused = await second.Harness.BareDriverAsync(again, Isa.X86_64, ct);
        Assert.NotEqual(Path.GetDirectoryName(built), Path.GetDirectoryName(reused));
        Assert.Equal(File.ReadAllBytes(otherDriver), File.ReadAllBytes(reused));

        // Another seed draws other cases: another driver.c, another key, a compile of its own.
        var third = new TrialServices(_tmp.Sub("c"), 2, driverCache: cache);
        var seeded = await third.Planner.PlanAsync(task, task.V1, 2, ct);
        string fresh = await third.Harness.BareDriverAsync(seeded, Isa.X86_64, ct);
        Assert.NotEqual(File.ReadAllBytes(otherDriver), File.ReadAllBytes(fresh));

        // The runtime (harness/sl_runtime.c) was compiled once for all these drivers, in three run
        // folders: one object in the cache, which each builder copied into its own workspace.
        string runtime = Assert.Single(Directory.GetFiles(Path.Combine(cache, "x86_64", "runtime")));
        string linked = await third.Harness.RuntimeObjectAsync(Isa.X86_64, ct);
        Assert.StartsWith(_tmp.Sub("c"), linked);
        Assert.Equal(File.ReadAllBytes(runtime), File.ReadAllBytes(linked));
    }
}

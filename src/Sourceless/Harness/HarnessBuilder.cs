using System.Collections.Concurrent;
using Sourceless.Tasks;
using Sourceless.Targets;
using Sourceless.Tools;

namespace Sourceless.Harness;

/// <summary>
/// Builds the trusted drivers: per task version, task.h and driver.c are written once; per ISA
/// the bare driver (loads an image file) is compiled once by that ISA's gcc and linked against
/// libdep. Linked drivers (a function object linked in) serve the reference builds.
/// </summary>
public sealed class HarnessBuilder(Workspace workspace, ToolRunner tools, LibDep libDep, ImportTable imports)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _drivers = new();

    public ImportTable Imports => imports;
    public LibDep LibDep => libDep;
    public Workspace Workspace => workspace;

    /// <summary>Writes task.h and driver.c for these cases; returns the folder.</summary>
    public string WriteSources(TaskDefinition task, string versionLabel, IReadOnlyList<TestCase> cases)
    {
        string dir = workspace.Dir("harness", task.Name, versionLabel);
        Workspace.WriteIfChanged(Path.Combine(dir, "task.h"), task.Header);
        Workspace.WriteIfChanged(Path.Combine(dir, "driver.c"), DriverSource.Generate(task, cases, imports));
        return dir;
    }

    public IReadOnlyList<string> IncludeDirs(string folder) => [folder, SourcelessHome.HarnessDir, SourcelessHome.LibDepDir];

    /// <summary>How every trusted harness program is compiled (drivers, exprcheck, the loader of a
    /// made binary): the runtime's C dialect, and its headers after the caller's own folders.</summary>
    public static IReadOnlyList<string> RuntimeFlags(params string[] includeFirst) =>
        ["-O1", "-std=gnu11", "-w", .. includeFirst.Select(d => "-I" + d), "-I" + SourcelessHome.HarnessDir, "-I" + SourcelessHome.LibDepDir];

    /// <summary>The bare driver of a plan for an ISA, compiled on first use.</summary>
    public Task<string> BareDriverAsync(TestPlan plan, Isa isa, CancellationToken ct) =>
        _drivers.GetOrAdd($"{plan.Folder}|{isa.Name}", _ => new Lazy<Task<string>>(() =>
            CompileDriverAsync(plan.Folder, isa, Path.Combine(plan.Folder, $"driver-{isa.Name}"), null, ct))).Value;

    /// <summary>A driver with the function object linked in (no image loading).</summary>
    /// <param name="linkFlags">Extra flags for the link, e.g. the sanitizers' runtime.</param>
    public Task<string> LinkedDriverAsync(TestPlan plan, Isa isa, string objectPath, string label, CancellationToken ct, IReadOnlyList<string>? linkFlags = null) =>
        _drivers.GetOrAdd($"{plan.Folder}|{isa.Name}|{objectPath}", _ => new Lazy<Task<string>>(() =>
            CompileDriverAsync(plan.Folder, isa, Path.Combine(plan.Folder, $"driver-{isa.Name}-linked-{label}"), objectPath, ct, linkFlags))).Value;

    private async Task<string> CompileDriverAsync(string folder, Isa isa, string output, string? linkedObject, CancellationToken ct,
        IReadOnlyList<string>? linkFlags = null)
    {
        string source = Path.Combine(folder, "driver.c");
        string runtime = Path.Combine(SourcelessHome.HarnessDir, "sl_runtime.h");
        if (File.Exists(output) && File.GetLastWriteTimeUtc(output) >= File.GetLastWriteTimeUtc(source)
            && File.GetLastWriteTimeUtc(output) >= File.GetLastWriteTimeUtc(runtime)
            && (linkedObject is null || File.GetLastWriteTimeUtc(output) >= File.GetLastWriteTimeUtc(linkedObject)))
            return output;
        string libdir = await libDep.FolderAsync(isa, LibDep.Current, ct);
        var args = new List<string>(RuntimeFlags(folder));
        if (linkedObject is not null) args.Add("-DSL_LINKED");
        string temp = AtomicFile.TempPath(output);
        args.AddRange([source, "-o", temp]);
        if (linkedObject is not null) args.Add(linkedObject);
        // Bind every symbol at start-up: the persistent runner's children then inherit resolved
        // PLT slots instead of each paying the lazy resolver (and, under qemu, its translation).
        args.AddRange(["-L" + libdir, "-ldep", "-Wl,-z,now"]);
        if (linkFlags is not null) args.AddRange(linkFlags);
        var r = await tools.RunAsync(isa.Gcc, args, ct);
        if (!r.Succeeded) throw new ToolFailedException($"building the driver in {folder} for {isa}", r);
        AtomicFile.Publish(temp, output);
        return output;
    }
}

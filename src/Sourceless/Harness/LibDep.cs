using System.Collections.Concurrent;
using Sourceless.Targets;
using Sourceless.Tools;

namespace Sourceless.Harness;

/// <summary>Builds libdep.so.1 (v1.0 or v1.1) for an ISA. Both versions share the soname, so the
/// version an artifact runs against is chosen at run time by LD_LIBRARY_PATH alone.</summary>
public sealed class LibDep(Workspace workspace, ToolRunner tools)
{
    public static readonly IReadOnlyList<string> Versions = ["1.0", "1.1"];
    public const string Current = "1.1";

    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _builds = new();

    /// <summary>The folder holding libdep.so.1 and libdep.so for this ISA and version.</summary>
    public Task<string> FolderAsync(Isa isa, string version, CancellationToken ct) =>
        _builds.GetOrAdd($"{isa.Name}/{version}", _ => new Lazy<Task<string>>(() => BuildAsync(isa, version, ct))).Value;

    private async Task<string> BuildAsync(Isa isa, string version, CancellationToken ct)
    {
        if (!Versions.Contains(version)) throw new UserError($"unknown libdep version {version}");
        string dir = workspace.Dir("libdep", isa.Name, version);
        string so = Path.Combine(dir, "libdep.so.1");
        string source = Path.Combine(SourcelessHome.LibDepDir, "v" + version, "dep.c");
        if (!File.Exists(so) || File.GetLastWriteTimeUtc(so) < File.GetLastWriteTimeUtc(source))
        {
            string temp = AtomicFile.TempPath(so);
            var r = await tools.RunAsync(isa.Gcc, ["-O2", "-fPIC", "-shared", "-Wl,-soname,libdep.so.1", "-o", temp, source], ct);
            if (!r.Succeeded) throw new ToolFailedException($"building libdep {version} for {isa}", r);
            AtomicFile.Publish(temp, so);
        }
        string link = Path.Combine(dir, "libdep.so");
        if (!File.Exists(link)) File.CreateSymbolicLink(link, "libdep.so.1");
        return dir;
    }
}

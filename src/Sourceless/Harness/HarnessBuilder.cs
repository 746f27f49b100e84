using System.Collections.Concurrent;
using System.Security.Cryptography;
using Sourceless.Tasks;
using Sourceless.Targets;
using Sourceless.Tools;

namespace Sourceless.Harness;

/// <summary>
/// Builds the trusted drivers: per task version, task.h and driver.c are written once; per ISA
/// the bare driver (loads an image file) is compiled once by that ISA's gcc, with the runtime
/// object (harness/sl_runtime.c, compiled once per ISA) and libdep. Linked drivers (a function
/// object linked in) serve the reference builds.
/// </summary>
public sealed class HarnessBuilder(Workspace workspace, ToolRunner tools, LibDep libDep, ImportTable imports)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _drivers = new();

    public ImportTable Imports => imports;

    /// <summary>The driver cache this builder reads and fills (<see cref="DriverCacheDir"/> unless a
    /// test gives its own).</summary>
    public string DriverCache { get; init; } = DriverCacheDir;
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

    /// <summary>The runtime's interface and its source: a driver is built from both (the object
    /// from the source), and exprcheck and the made binary's loader include the source.</summary>
    public static IReadOnlyList<string> RuntimeSources =>
        [Path.Combine(SourcelessHome.HarnessDir, "sl_runtime.h"), Path.Combine(SourcelessHome.HarnessDir, "sl_runtime.c")];

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
        if (File.Exists(output) && File.GetLastWriteTimeUtc(output) >= File.GetLastWriteTimeUtc(source)
            && RuntimeSources.All(r => File.GetLastWriteTimeUtc(output) >= File.GetLastWriteTimeUtc(r))
            && (linkedObject is null || File.GetLastWriteTimeUtc(output) >= File.GetLastWriteTimeUtc(linkedObject)))
            return output;
        string libdir = await libDep.FolderAsync(isa, LibDep.Current, ct);
        string runtimeObject = await RuntimeObjectAsync(isa, ct);
        // The same inputs make the same driver: a second trial of the same tasks (or another run
        // folder) takes it from the machine's cache instead of compiling it again.
        string cached = await CachedDriverPathAsync(folder, isa, linkedObject, linkFlags, libdir, runtimeObject, ct);
        if (File.Exists(cached))
        {
            string copy = AtomicFile.TempPath(output);
            File.Copy(cached, copy, overwrite: true);
            AtomicFile.Publish(copy, output);
            return output;
        }
        var args = new List<string>(RuntimeFlags(folder));
        if (linkedObject is not null) args.Add("-DSL_LINKED");
        string temp = AtomicFile.TempPath(output);
        args.AddRange([source, runtimeObject, "-o", temp]);
        if (linkedObject is not null) args.Add(linkedObject);
        // Bind every symbol at start-up: the persistent runner's children then inherit resolved
        // PLT slots instead of each paying the lazy resolver (and, under qemu, its translation).
        args.AddRange(["-L" + libdir, "-ldep", "-Wl,-z,now"]);
        if (linkFlags is not null) args.AddRange(linkFlags);
        var r = await tools.RunAsync(isa.Gcc, args, ct);
        if (!r.Succeeded) throw new ToolFailedException($"building the driver in {folder} for {isa}", r);
        AtomicFile.Publish(temp, output);
        TryCache(output, cached);
        return output;
    }

    /// <summary>Copies a build into the machine's cache; false when the cache cannot be written,
    /// which only makes the next run slower.</summary>
    private static bool TryCache(string output, string cached)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(cached)!);
            string into = AtomicFile.TempPath(cached);
            File.Copy(output, into, overwrite: true);
            AtomicFile.Publish(into, cached);
            return true;
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _runtimes = new();

    /// <summary>harness/sl_runtime.c compiled for an ISA, once per builder, and kept in the driver
    /// cache under a key of everything the compile reads (as drivers are). Drivers link the copy in
    /// this run's workspace, so a cache deleted mid-run costs nothing. Drivers compiled with
    /// sanitizers link the same object: only the code under test is instrumented.</summary>
    public async Task<string> RuntimeObjectAsync(Isa isa, CancellationToken ct)
    {
        var lazy = _runtimes.GetOrAdd(isa.Name, _ => new Lazy<Task<string>>(() => BuildRuntimeAsync(isa)));
        try
        {
            return await lazy.Value.WaitAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _runtimes.TryRemove(new KeyValuePair<string, Lazy<Task<string>>>(isa.Name, lazy)); // the next driver tries again
            throw;
        }
    }

    // Shared by every driver of the ISA, so no one caller's cancellation may end it.
    private async Task<string> BuildRuntimeAsync(Isa isa)
    {
        var ct = CancellationToken.None;
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await AddBuildInputsAsync(sha, isa, "runtime-1", [], ct);
        string key = Convert.ToHexStringLower(sha.GetHashAndReset());
        string cached = Path.Combine(DriverCache, isa.Name, "runtime", key + ".o");
        string output = Path.Combine(workspace.Dir("harness", "runtime"), $"sl_runtime-{isa.Name}-{key[..12]}.o");
        string temp = AtomicFile.TempPath(output);
        if (File.Exists(cached))
        {
            File.Copy(cached, temp, overwrite: true);
            AtomicFile.Publish(temp, output);
            return output;
        }
        var r = await tools.RunAsync(isa.Gcc, [.. RuntimeFlags(), "-c", Path.Combine(SourcelessHome.HarnessDir, "sl_runtime.c"), "-o", temp], ct);
        if (!r.Succeeded) throw new ToolFailedException($"building the harness runtime for {isa}", r);
        AtomicFile.Publish(temp, output);
        TryCache(output, cached);
        return output;
    }

    /// <summary>Hashes what every harness compile for this ISA reads besides its own source: the
    /// compiler and its C library, the flags, the runtime and libdep headers and the runtime's source.</summary>
    private async Task AddBuildInputsAsync(IncrementalHash sha, Isa isa, string version, IReadOnlyList<string> extraFlags, CancellationToken ct)
    {
        AddText(sha, "version", version);
        AddText(sha, "compiler", isa.Gcc + " " + await tools.VersionAsync(isa.Gcc, ct) + " " + await LibcFingerprintAsync(isa, ct));
        // The include folders' paths are left out: their files' bytes are hashed below.
        AddText(sha, "flags", string.Join(' ', RuntimeFlags().Where(f => !f.StartsWith("-I", StringComparison.Ordinal)).Concat(extraFlags)));
        foreach (var dir in new[] { SourcelessHome.HarnessDir, SourcelessHome.LibDepDir })
            foreach (var file in Directory.EnumerateFiles(dir, "*.h", SearchOption.AllDirectories).Append(Path.Combine(dir, "sl_runtime.c")).Where(File.Exists).Order(StringComparer.Ordinal))
                Add(sha, Path.GetRelativePath(dir, file), await File.ReadAllBytesAsync(file, ct));
    }

    private static void Add(IncrementalHash sha, string label, byte[] bytes)
    {
        sha.AppendData(System.Text.Encoding.UTF8.GetBytes($"{label}:{bytes.Length}\n"));
        sha.AppendData(bytes);
    }

    private static void AddText(IncrementalHash sha, string label, string text) => Add(sha, label, System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>Where the machine's driver cache (<see cref="DriverCacheDir"/>) holds the driver made
    /// from these inputs: the key hashes every byte the compile reads (driver.c and task.h of the
    /// folder, the harness runtime's object, source and headers, libdep's headers, the linked
    /// object, libdep's build) and how it
    /// is made (compiler and its version, the C library it links, flags), never a path, so any run
    /// folder and any checkout finds it.</summary>
    private async Task<string> CachedDriverPathAsync(string folder, Isa isa, string? linkedObject, IReadOnlyList<string>? linkFlags, string libdir,
        string runtimeObject, CancellationToken ct)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await AddBuildInputsAsync(sha, isa, "driver-cache-2", [.. linkFlags ?? [], .. linkedObject is null ? Array.Empty<string>() : ["-DSL_LINKED"]], ct);
        // The object this driver links, not only the sources it came from: they may have changed
        // since this builder compiled it.
        Add(sha, "runtime", await File.ReadAllBytesAsync(runtimeObject, ct));
        foreach (var file in new[] { "driver.c", "task.h" }) Add(sha, file, await File.ReadAllBytesAsync(Path.Combine(folder, file), ct));
        Add(sha, "libdep", await File.ReadAllBytesAsync(Path.Combine(libdir, "libdep.so.1"), ct));
        if (linkedObject is not null) Add(sha, "object", await File.ReadAllBytesAsync(linkedObject, ct));
        string key = Convert.ToHexStringLower(sha.GetHashAndReset());
        return Path.Combine(DriverCache, isa.Name, key[..2], key);
    }

    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _libc = new();

    /// <summary>What the ISA's C library is on this machine (size and time of its libc.so.6, libc.so
    /// and crt1.o as this gcc finds them): an upgraded libc6-dev makes new cache keys, even when
    /// gcc's version stays.</summary>
    private Task<string> LibcFingerprintAsync(Isa isa, CancellationToken ct) =>
        _libc.GetOrAdd(isa.Name, _ => new Lazy<Task<string>>(async () =>
        {
            var parts = new List<string>();
            foreach (var name in new[] { "libc.so.6", "crt1.o", "libc.so" })
            {
                var r = await tools.RunAsync(isa.Gcc, ["-print-file-name=" + name], ct);
                string path = r.StandardOutput.Trim();
                var info = new FileInfo(path);
                parts.Add(info.Exists ? $"{name}={info.Length}@{info.LastWriteTimeUtc.Ticks}" : $"{name}=?");
            }
            return string.Join(' ', parts);
        })).Value;

    /// <summary>The machine's cache of built drivers: SOURCELESS_DRIVER_CACHE, else drivers/ next
    /// to the corpus cache (XDG_CACHE_HOME or ~/.cache, then sourceless/).</summary>
    public static string DriverCacheDir =>
        Environment.GetEnvironmentVariable("SOURCELESS_DRIVER_CACHE") is { Length: > 0 } d ? Path.GetFullPath(d)
            : Path.Combine(Path.GetDirectoryName(Corpus.CorpusOptions.DefaultCache)!, "drivers");
}

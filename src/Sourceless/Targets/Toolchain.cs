using Sourceless.Tools;

namespace Sourceless.Targets;

/// <summary>Compiler command lines per target, all in one place so the flags that define the
/// artifact contract (position independence, one section per function) are stated once.</summary>
public static class Toolchain
{
    /// <summary>The executable and leading arguments of a compiler for an ISA.</summary>
    public static (string Tool, IReadOnlyList<string> Prefix) Compiler(string compiler, Isa isa) => compiler switch
    {
        "gcc" => (isa.Gcc, []),
        // clang needs --target for the cross ISAs; it finds Debian's cross headers through the
        // installed cross gcc. Only used to compile (-c): linking is binutils' job here.
        "clang" => ("clang", [$"--target={isa.Triple}"]),
        _ => throw new UserError($"unknown compiler '{compiler}'"),
    };

    /// <summary>Flags every contender compile shares: position-independent code (a bare image is
    /// loaded at an address it does not know), one section per function (so the entry function
    /// can be placed first), and debug info (kept in the object, never in the image).</summary>
    public static readonly IReadOnlyList<string> ArtifactFlags = ["-fPIE", "-ffunction-sections", "-fdata-sections", "-g"];

    public static IReadOnlyList<string> CompileArgs(Target target, string source, string output, IEnumerable<string> includeDirs, IEnumerable<string>? extra = null)
    {
        var (_, prefix) = Compiler(target.Compiler, target.Isa);
        var args = new List<string>(prefix) { target.OptLevel };
        args.AddRange(ArtifactFlags);
        foreach (var dir in includeDirs) args.Add("-I" + dir);
        if (extra is not null) args.AddRange(extra);
        args.AddRange(["-c", source, "-o", output]);
        return args;
    }

    /// <summary>Checks that every tool the targets need answers, or names the missing one.</summary>
    /// <param name="experiments">Also the tools the trial's experiments call (gdb for debugging,
    /// bsdiff for version control, the auditors for security), so a missing one stops the trial
    /// before it starts instead of failing a contender's checks.</param>
    public static async Task CheckAsync(IEnumerable<Target> targets, ToolRunner tools, CancellationToken ct, bool experiments = false)
    {
        var needed = new SortedSet<string>(StringComparer.Ordinal) { "bwrap", "setpriv", "prlimit", "setarch" };
        if (experiments) needed.UnionWith(["gdb", "bsdiff", "cppcheck", "clang-tidy", "addr2line", "readelf", "diff"]);
        foreach (var t in targets)
        {
            if (experiments && t.Isa.Qemu is not null) needed.Add("gdb-multiarch");
            needed.Add(Compiler(t.Compiler, t.Isa).Tool);
            needed.Add(t.Isa.Gcc);
            needed.Add(t.Isa.Ld);
            if (t.Isa.Qemu is not null) needed.Add(t.Isa.Qemu);
        }
        var missing = new List<string>();
        foreach (var tool in needed)
            if (!OnPath(tool)) missing.Add(tool);
        if (missing.Count > 0)
            throw new UserError($"missing toolchain: {string.Join(", ", missing)} not found on PATH (./sourceless installs them with apt-get)");
        foreach (var tool in needed) await tools.VersionAsync(tool, ct);
    }

    public static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, tool)));
}

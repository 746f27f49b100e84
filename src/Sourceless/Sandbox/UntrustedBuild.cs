using Sourceless.Targets;
using Sourceless.Tools;

namespace Sourceless.Sandbox;

/// <summary>
/// Trusted tools run on untrusted text: the assembler and compiler on a model's reply, and the
/// audit tools (cppcheck, gcc -fanalyzer, clang-tidy) on model-written source. The tool is ours,
/// its input is not: `.incbin "/etc/shadow"` or `#include "/root/.ssh/id_rsa"` would copy a host
/// file into the artifact or into a stored error message. So these run in the sandbox like any
/// artifact: the system's toolchains, the named inputs read-only, one work folder writable,
/// nothing else of the host. A path the text reaches for is simply not there, and the build fails
/// with the tool's own message, which is stored.
/// </summary>
public sealed class UntrustedBuild(Sandbox sandbox, ToolRunner tools)
{
    /// <summary>A compiler needs more room than a test run: its own scratch files in /tmp, a few
    /// hundred MB of address space, and a few processes (driver, cc1, as).</summary>
    public static SandboxLimits BuildLimits(SandboxLimits basis) => basis with
    {
        CpuSeconds = 60,
        WallClock = TimeSpan.FromSeconds(120),
        AddressSpaceBytes = 4L << 30,
        FileSizeBytes = 64L << 20,
        ScratchBytes = 256L << 20,
        OpenFiles = 256,
        OutputBytes = 1 << 20,
    };

    /// <param name="workFolder">The one writable folder (inputs and outputs of this build), also
    /// the working directory.</param>
    /// <param name="readOnly">Headers and other inputs the build may read (folders or files).</param>
    /// <param name="outputBytes">Most bytes of stdout kept (default: the build limit, 1 MiB); a
    /// parser's dump of a whole file needs more.</param>
    public async Task<ToolResult> RunAsync(string tool, IReadOnlyList<string> args, string workFolder, IReadOnlyList<string> readOnly,
        CancellationToken ct, int? outputBytes = null)
    {
        // The build runs as the sandbox's uid, which must be able to write its outputs here.
        if (sandbox.RunsAsOwnUid) File.SetUnixFileMode(workFolder, (UnixFileMode)0b111_111_111);
        var limits = BuildLimits(sandbox.Limits);
        if (outputBytes is { } cap) limits = limits with { OutputBytes = cap };
        var request = new SandboxRequest(Isa.X86_64, tool, args, readOnly, new Dictionary<string, string>(), limits)
        {
            WritablePaths = [workFolder],
            WorkingDirectory = workFolder,
        };
        var run = await sandbox.RunConfirmedAsync(request, ct);
        // The tool's own command line is what a reader needs; the sandbox around it is the same
        // for every build and would only bury it.
        string commandLine = "[sandboxed] " + CommandLine.Format(tool, args);
        int exit = run.TimedOut ? 124 : run.OutputCapped ? 125 : run.ExitCode;
        string stderr = run.TimedOut ? $"{tool}: timed out in the sandbox after {run.WallMs / 1000:0.#} s\n" + run.StandardError
            : run.OutputCapped ? $"{tool}: output over the sandbox's cap\n" + run.StandardError : run.StandardError;
        var inv = new Invocation(Path.GetFileName(tool), await tools.VersionAsync(tool, ct), commandLine, exit, run.WallMs);
        return new ToolResult(inv, run.StandardOutput, stderr);
    }
}

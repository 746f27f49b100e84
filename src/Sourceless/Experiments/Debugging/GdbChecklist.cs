using System.Globalization;
using System.Text.RegularExpressions;
using Sourceless.Artifacts;
using Sourceless.Harness;
using Sourceless.Sandbox;
using Sourceless.Targets;
using Sourceless.Tools;

namespace Sourceless.Experiments.Debugging;

/// <summary>One item of the checklist, as judged from gdb's own output. A tool error (gdb or qemu
/// never got to the checklist) says nothing about the artifact: it is stored as such and left out
/// of the score.</summary>
public sealed record CheckResult(string Check, bool Passed, string Evidence, bool ToolError = false)
{
    public string Status => ToolError ? "tool_error" : "ok";
}

/// <summary>
/// The fixed debugger checklist, run on one artifact by gdb in batch mode inside the sandbox: the
/// task's driver runs the image in-process (--debug), gdb stops where the image is mapped, adds
/// the artifact's own symbols there when it has any (add-symbol-file at the mapping), then tries:
/// break on the function by name, list its source, print its first parameter by name, a
/// symbolised backtrace, and map a code address to file:line (what a crash address needs). On
/// aarch64 and riscv64 the driver runs under qemu-user -g and gdb-multiarch attaches on loopback
/// inside the sandbox's own network namespace. A bare image always gets a stop at its entry by
/// address, so every check is tried on a live frame.
/// </summary>
public static class GdbChecklist
{
    public static readonly IReadOnlyList<string> Checks = ["break", "list", "print", "backtrace", "line"];

    public const int Port = 1234;

    /// <param name="sourceFolder">The folder the DWARF names (where the source was compiled from);
    /// gdb is pointed from there to the artifact's own copy of its source.</param>
    /// <param name="debugger">The gdb program (gdb, or gdb-multiarch for a foreign ISA) unless a
    /// test names one that does not exist.</param>
    public static async Task<(IReadOnlyList<CheckResult> Results, string CommandLine)> RunAsync(
        TestPlan plan, Isa isa, StoredArtifact artifact, string sourceFolder, ArtifactRunner runner, Workspace workspace, CancellationToken ct,
        string? debugger = null)
    {
        string driver = await runner.Harness.BareDriverAsync(plan, isa, ct);
        string image = workspace.ImagePath(artifact.Code);
        string dir = workspace.Dir("debug", Workspace.Hash(artifact.Id)[..16]);
        string? elf = artifact.DebugImagePath(workspace);
        if (artifact.Source is { } source && ArtifactSource.Own(source) is { } own)
            Workspace.WriteIfChanged(Path.Combine(dir, Path.GetFileName(own.Name)), own.Text);
        var fn = plan.Task.Signature;
        string param = fn.Parameters.Count > 0 ? fn.Parameters[0].Name : "$pc";

        var ex = new List<string>
        {
            "set pagination off", "set confirm off", "set breakpoint pending off", "set debuginfod enabled off", "set style enabled off",
            "set startup-with-shell off", "set disable-randomization off", $"set substitute-path {sourceFolder} {dir}",
            $"file {driver}",
        };
        if (isa.IsNative) ex.AddRange(["break sl_debug_ready", $"run --bare {image} --debug"]);
        else ex.AddRange([$"set sysroot {isa.Sysroot}", $"target remote 127.0.0.1:{Port}", "break sl_debug_ready", "continue"]);
        // Where gdb stands before the checklist: stopped in sl_debug_ready, or the session failed
        // (qemu never listened, the driver never started) and nothing after says anything.
        ex.AddRange(["echo @@ready\\n", "frame 0"]);
        if (elf is not null) ex.Add($"eval \"add-symbol-file {elf} -o %lu\", (unsigned long) sl_map_base");
        ex.AddRange([
            "echo @@break\\n", $"break {fn.Name}", "tbreak *(unsigned long) sl_entry", "continue",
            "echo @@list\\n", $"list {fn.Name}",
            "echo @@print\\n", $"print {param}",
            "echo @@backtrace\\n", "backtrace 3",
            "echo @@line\\n", "info line *((unsigned long) sl_entry + 4)",
            "echo @@end\\n", "kill",
        ]);
        var gdbArgs = new List<string> { "-batch", "-nx" };
        foreach (var e in ex) gdbArgs.AddRange(["-ex", e]);

        // gdb names the files by their host paths (the DWARF does too): shown at those paths, with
        // libdep at its fixed inside path as for every run.
        var request = (await runner.RequestAsync(plan, isa, driver, [], [], LibDep.Current, ct)) with
        {
            ReadOnlyPaths = [driver, image, dir, .. elf is null ? Array.Empty<string>() : [elf]],
        };
        SandboxRequest session;
        // gdb's errors ("Function ... not defined.") go to stderr: one stream keeps them in order.
        if (isa.IsNative) session = request with { Isa = Isa.X86_64, Program = "/bin/sh", Arguments = ["-c", $"exec {CommandLine.Format(debugger ?? "gdb", gdbArgs)} 2>&1"] };
        else
        {
            // qemu waits for gdb on a port of the sandbox's private loopback; gdb starts once it listens.
            string qemu = CommandLine.Format(isa.Qemu!, ["-L", isa.Sysroot!, .. request.Environment.SelectMany(kv => new[] { "-E", $"{kv.Key}={kv.Value}" }),
                "-g", Port.ToString(CultureInfo.InvariantCulture), driver, "--bare", image, "--debug"]);
            string wait = $"i=0; while ! grep -q ':{Port:X4} 00000000:0000 0A' /proc/net/tcp; do i=$((i+1)); [ $i -gt 500 ] && break; sleep 0.01; done";
            string script = $"{qemu} >/dev/null 2>&1 & {wait}; exec {CommandLine.Format(debugger ?? "gdb-multiarch", gdbArgs)} 2>&1";
            session = request with { Isa = Isa.X86_64, Program = "/bin/sh", Arguments = ["-c", script], Environment = new Dictionary<string, string>() };
        }
        var result = await runner.Sandbox.RunConfirmedAsync(session, ct);
        return (Judge(result.StandardOutput + "\n" + result.StandardError, fn.Name, result), result.CommandLine);
    }

    public static IReadOnlyList<CheckResult> Judge(string output, string function, SandboxResult? raw = null)
    {
        var sections = new Dictionary<string, string>(StringComparer.Ordinal);
        var parts = output.Split("@@");
        foreach (var p in parts.Skip(1))
        {
            int nl = p.IndexOf('\n', StringComparison.Ordinal);
            if (nl > 0) sections.TryAdd(p[..nl].Trim(), p[(nl + 1)..]);
        }
        string Section(string name) => sections.GetValueOrDefault(name) ?? "";
        string F = Regex.Escape(function);
        bool Has(string text, string pattern) => Regex.IsMatch(text, pattern, RegexOptions.Multiline);
        var bt = Section("backtrace");
        var results = new List<CheckResult>
        {
            // One location ("file f.c, line 5.") or several when the compiler split or cloned the
            // function ("binom. (2 locations)"): either way gdb resolved the name.
            new("break", Has(Section("break"), @$"^Breakpoint \d+ at 0x[0-9a-f]+: (file .+, line \d+\.|{F}\. \(\d+ locations\))"), Evidence(Section("break"))),
            new("list", Has(Section("list"), @"^\d+\t"), Evidence(Section("list"))),
            new("print", Has(Section("print"), @"^\$\d+ = ") && !Section("print").Contains("<optimized out>", StringComparison.Ordinal), Evidence(Section("print"))),
            new("backtrace", Has(bt, @$"^#0 .*\b{F} \(") && Has(bt, @"^#1 .* in [A-Za-z_]\w* \("), Evidence(bt)),
            new("line", Has(Section("line"), @"^Line \d+ of """), Evidence(Section("line"))),
        };
        if (sections.Count == 0 || !Section("ready").Contains("sl_debug_ready", StringComparison.Ordinal))
        {
            // gdb stops in sl_debug_ready before the artifact's code can run (the image is only
            // mapped there): not stopped there means gdb, qemu or the sandbox failed.
            string why = raw is null ? "gdb never stopped in sl_debug_ready"
                : $"gdb never stopped in sl_debug_ready (exit {raw.ExitCode}{(raw.TimedOut ? ", timed out" : "")}): {Evidence(Section("ready") + "\n" + raw.StandardOutput + "\n" + raw.StandardError)}";
            return results.Select(r => r with { Passed = false, Evidence = why, ToolError = true }).ToList();
        }
        return results;
    }

    private static string Evidence(string section)
    {
        var lines = section.Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0 && !l.StartsWith("[Inferior", StringComparison.Ordinal)).Take(3);
        string text = string.Join(" / ", lines);
        return text.Length > 300 ? text[..300] : text;
    }
}

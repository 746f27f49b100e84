using System.Text.RegularExpressions;
using Sourceless.Harness;
using Sourceless.Targets;
using Sourceless.Tools;

namespace Sourceless.Artifacts;

/// <summary>
/// Turns a compiler's object file into a bare image by the real linker (GNU ld for the ISA) and a
/// script from <see cref="ImportTable"/>: entry function first, calls to libc/libdep bound to the
/// import stubs, no writable data. What the image needs from outside is listed as dependencies.
/// </summary>
public sealed partial class FlatImageLinker(ToolRunner tools, ImportTable imports)
{
    /// <summary>The import table the images are linked against (the slot numbers a prompt names).</summary>
    public ImportTable Imports => imports;

    /// <param name="DebugImage">The linked ELF: the image at 0x1000 with its symbols and DWARF.</param>
    public sealed record Result(byte[]? Image, string? Failure, IReadOnlyList<string> Dependencies, IReadOnlyList<Invocation> Invocations, byte[]? DebugImage = null);

    public async Task<Result> LinkAsync(Isa isa, string objectPath, string entry, string workDir, CancellationToken ct)
    {
        string script = Path.Combine(workDir, "flat.ld");
        await File.WriteAllTextAsync(script, imports.LinkerScript(entry), ct);
        string elf = Path.Combine(workDir, "image.elf");
        var args = new List<string>();
        // riscv64: no linker relaxation, which would turn PC-relative accesses into gp-relative ones
        // against a global pointer that a bare image does not have.
        if (isa == Isa.Riscv64) args.Add("--no-relax");
        args.AddRange(["-T", script, "-o", elf, objectPath]);
        var r = await tools.RunAsync(isa.Ld, args, ct);
        if (!r.Succeeded)
        {
            var undefined = UndefinedRegex().Matches(r.StandardError).Select(m => m.Groups[1].Value).Distinct().ToList();
            string why = undefined.Count > 0
                ? $"calls {string.Join(", ", undefined)}, outside the bare-bytes import table"
                : r.ErrorSummary();
            return new Result(null, "link: " + why, [], [r.Invocation]);
        }
        var elfBytes = await File.ReadAllBytesAsync(elf, ct);
        var file = ElfFile.Read(elfBytes);
        var forbidden = file.Find(".forbidden");
        if (forbidden is { Size: > 0 }) return new Result(null, $"link: the code needs {forbidden.Size} bytes of writable data, which a bare image cannot have", [], [r.Invocation]);
        var text = file.Find(".text");
        if (text is null || text.Size == 0) return new Result(null, "link: empty image", [], [r.Invocation]);
        var objectFile = ElfFile.Read(await File.ReadAllBytesAsync(objectPath, ct));
        var deps = objectFile.Symbols()
            .Where(s => s.SectionIndex == 0 && s.Name.Length > 0 && imports.Symbols.Contains(s.Name))
            .Select(s => (s.Name.StartsWith("dep_", StringComparison.Ordinal) ? "libdep:" : "libc:") + s.Name)
            .Distinct().Order(StringComparer.Ordinal).ToList();
        return new Result(file.Bytes(text), null, deps, [r.Invocation], elfBytes);
    }

    [GeneratedRegex(@"undefined reference to `([^']+)'")]
    private static partial Regex UndefinedRegex();
}

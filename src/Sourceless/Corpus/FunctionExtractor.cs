using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Sourceless.Artifacts;
using Sourceless.Targets;
using Sourceless.Tools;

namespace Sourceless.Corpus;

/// <summary>One function taken out of an object file: its bytes (from the symbol table's value and
/// size in its section), the relocations that patch them, and its disassembly.</summary>
public sealed record ExtractedFunction(string Name, byte[] Bytes, string Relocations, string Disassembly);

/// <summary>
/// Splits a compiled object file into per-function records. Every sized FUNC symbol is one
/// function (static helpers included); relocations are those of the RELA section that patches
/// the function's section, inside its byte range. x86_64 is disassembled in-process with Iced;
/// aarch64 and riscv64 with one binutils objdump call per object file.
/// </summary>
public static partial class FunctionExtractor
{
    public static async Task<IReadOnlyList<ExtractedFunction>> ExtractAsync(byte[] objectFile, Isa isa, string objectPath, ToolRunner tools, CancellationToken ct)
    {
        var elf = ElfFile.Read(objectFile);
        var symbols = elf.Symbols();
        var relocations = elf.Relocations();
        var functions = symbols.Where(s => s.IsFunction && s.Size > 0 && s.Name.Length > 0 && s.SectionIndex > 0 && s.SectionIndex < elf.Sections.Count).ToList();
        Dictionary<string, string>? objdump = null;
        if (isa != Isa.X86_64 && functions.Count > 0)
        {
            var r = await tools.RunAsync(isa.Objdump, ["-d", "--no-show-raw-insn", objectPath], ct);
            objdump = ParseObjdump(r.StandardOutput);
        }
        var result = new List<ExtractedFunction>(functions.Count);
        foreach (var f in functions.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            var section = elf.Sections[f.SectionIndex];
            var bytes = elf.Bytes(section).AsSpan((int)f.Value, (int)f.Size).ToArray();
            var relocs = relocations.Where(r => r.Target == f.SectionIndex && r.Offset >= f.Value && r.Offset < f.Value + f.Size)
                .OrderBy(r => r.Offset)
                .Select(r => new
                {
                    offset = r.Offset - f.Value,
                    type = RelocationName(isa, r.Type),
                    symbol = SymbolName(symbols, elf, r.Symbol),
                    addend = r.Addend,
                }).ToList();
            string disassembly = isa == Isa.X86_64 ? X86(bytes) : objdump!.GetValueOrDefault(f.Name) ?? "";
            result.Add(new ExtractedFunction(f.Name, bytes, JsonSerializer.Serialize(relocs), disassembly));
        }
        return result;
    }

    private static string SymbolName(IReadOnlyList<ElfFile.Symbol> symbols, ElfFile elf, int index)
    {
        if (index <= 0 || index >= symbols.Count) return "";
        var s = symbols[index];
        // A section symbol (.rodata.str1.1 + addend, say) is named by its section.
        if ((s.Info & 0xf) == 3 && s.SectionIndex > 0 && s.SectionIndex < elf.Sections.Count) return elf.Sections[s.SectionIndex].Name;
        return s.Name;
    }

    private static string X86(byte[] bytes)
    {
        var decoder = Iced.Intel.Decoder.Create(64, new Iced.Intel.ByteArrayCodeReader(bytes));
        decoder.IP = 0;
        var formatter = new Iced.Intel.GasFormatter();
        var output = new Iced.Intel.StringOutput();
        var sb = new StringBuilder();
        while (decoder.IP < (ulong)bytes.Length)
        {
            decoder.Decode(out var instruction);
            formatter.Format(instruction, output);
            sb.Append(instruction.IP.ToString("x", CultureInfo.InvariantCulture)).Append('\t').Append(output.ToStringAndReset()).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>objdump -d output: "0000000000000000 &lt;f&gt;:" then "   4:\tinsn" lines.</summary>
    private static Dictionary<string, string> ParseObjdump(string text)
    {
        var functions = new Dictionary<string, StringBuilder>(StringComparer.Ordinal);
        StringBuilder? current = null;
        foreach (var line in text.Split('\n'))
        {
            var head = FunctionHead().Match(line);
            if (head.Success)
            {
                current = new StringBuilder();
                functions[head.Groups[1].Value] = current;
                continue;
            }
            var insn = InstructionLine().Match(line);
            if (insn.Success && current is not null) current.Append(insn.Groups[1].Value).Append('\t').Append(insn.Groups[2].Value.Trim()).Append('\n');
            else if (line.Length == 0) current = null;
        }
        return functions.ToDictionary(kv => kv.Key, kv => kv.Value.ToString(), StringComparer.Ordinal);
    }

    [GeneratedRegex(@"^[0-9a-f]+ <([^>]+)>:$")]
    private static partial Regex FunctionHead();

    [GeneratedRegex(@"^\s+([0-9a-f]+):\t(.+)$")]
    private static partial Regex InstructionLine();

    /// <summary>Names of the relocation types these compilers emit for small functions; any other
    /// is written as its number.</summary>
    public static string RelocationName(Isa isa, uint type) => (isa.Name, type) switch
    {
        ("x86_64", 1) => "R_X86_64_64", ("x86_64", 2) => "R_X86_64_PC32", ("x86_64", 4) => "R_X86_64_PLT32", ("x86_64", 9) => "R_X86_64_GOTPCREL",
        ("x86_64", 10) => "R_X86_64_32", ("x86_64", 11) => "R_X86_64_32S", ("x86_64", 41) => "R_X86_64_GOTPCRELX", ("x86_64", 42) => "R_X86_64_REX_GOTPCRELX",
        ("aarch64", 257) => "R_AARCH64_ABS64", ("aarch64", 275) => "R_AARCH64_ADR_PREL_PG_HI21", ("aarch64", 277) => "R_AARCH64_ADD_ABS_LO12_NC",
        ("aarch64", 282) => "R_AARCH64_JUMP26", ("aarch64", 283) => "R_AARCH64_CALL26", ("aarch64", 286) => "R_AARCH64_LDST64_ABS_LO12_NC",
        ("aarch64", 285) => "R_AARCH64_LDST32_ABS_LO12_NC", ("aarch64", 299) => "R_AARCH64_LDST128_ABS_LO12_NC", ("aarch64", 311) => "R_AARCH64_ADR_GOT_PAGE",
        ("aarch64", 312) => "R_AARCH64_LD64_GOT_LO12_NC",
        ("riscv64", 2) => "R_RISCV_64", ("riscv64", 18) => "R_RISCV_CALL", ("riscv64", 19) => "R_RISCV_CALL_PLT", ("riscv64", 23) => "R_RISCV_PCREL_HI20",
        ("riscv64", 24) => "R_RISCV_PCREL_LO12_I", ("riscv64", 25) => "R_RISCV_PCREL_LO12_S", ("riscv64", 16) => "R_RISCV_BRANCH", ("riscv64", 17) => "R_RISCV_JAL",
        ("riscv64", 20) => "R_RISCV_GOT_HI20", ("riscv64", 51) => "R_RISCV_RELAX", ("riscv64", 44) => "R_RISCV_RVC_BRANCH", ("riscv64", 45) => "R_RISCV_RVC_JUMP",
        _ => type.ToString(CultureInfo.InvariantCulture),
    };
}

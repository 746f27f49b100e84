using System.Globalization;
using System.Text;

namespace Sourceless.Harness;

/// <summary>
/// The import table of the bare-bytes contract (docs/bare-bytes-contract.md): 32-byte jump stubs
/// placed in the 4096 bytes in front of the image, slot i for the i-th name of harness/imports.txt.
/// A bare image calls libc or libdep with a PC-relative call to (entry - 4096 + 32*i).
/// </summary>
public sealed class ImportTable
{
    public const int SlotBytes = 32;
    public const int TableBytes = 4096;

    public IReadOnlyList<string> Symbols { get; }

    private ImportTable(IReadOnlyList<string> symbols) => Symbols = symbols;

    public static ImportTable Load() => Parse(File.ReadAllLines(System.IO.Path.Combine(SourcelessHome.HarnessDir, "imports.txt")));

    public static ImportTable Parse(IEnumerable<string> lines)
    {
        var symbols = lines.Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        if (symbols.Count * SlotBytes > TableBytes) throw new InvalidOperationException("import table overflows its 4096 bytes");
        return new ImportTable(symbols);
    }

    public int SlotOf(string symbol) => Symbols.ToList().IndexOf(symbol);

    /// <summary>The GNU ld script that links an object into a flat image: the entry function's
    /// section first at 0x1000 (image offset 0), code and read-only data after it, imports bound to
    /// their stub slots below. Writable data is collected into ".forbidden" so its presence can be
    /// reported (the image is mapped read+execute). Small data (.sdata) goes into the image: clang 14
    /// puts riscv64 constant pools there although they are only ever read.</summary>
    public string LinkerScript(string entry)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"ENTRY({entry})");
        for (int i = 0; i < Symbols.Count; i++)
            sb.AppendLine(CultureInfo.InvariantCulture, $"PROVIDE({Symbols[i]} = 0x{i * SlotBytes:x});");
        sb.AppendLine("SECTIONS {");
        sb.AppendLine("  . = 0x1000;");
        sb.AppendLine(CultureInfo.InvariantCulture, $"  .text : {{ KEEP(*(.text.{entry})) *(.text .text.*) *(.rodata .rodata.* .srodata .srodata.* .sdata .sdata.*) }}");
        sb.AppendLine("  .forbidden : { *(.data .data.* .bss .bss.* .sbss .sbss.* .tbss* .tdata* .got .got.* .plt .init_array* .fini_array*) }");
        // DWARF stays in the linked ELF (never in the image bytes) so image offsets map to source lines.
        sb.AppendLine("  /DISCARD/ : { *(.comment) *(.note*) *(.eh_frame*) *(.riscv.attributes) }");
        sb.AppendLine("}");
        return sb.ToString();
    }

    /// <summary>The C initializer of the driver's table: the addresses the stubs jump to.</summary>
    public string CArray(string name) =>
        $"static void *const {name}[] = {{\n" + string.Join(",\n", Symbols.Select(s => $"    (void *)&{s}")) + "\n};\n";
}

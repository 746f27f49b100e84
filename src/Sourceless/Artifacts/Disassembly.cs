using System.Globalization;
using System.Text.RegularExpressions;
using Sourceless.Harness;
using Sourceless.Targets;
using Sourceless.Tools;

namespace Sourceless.Artifacts;

/// <summary>
/// What binary-only inspection sees in a bare image: its instructions (binutils objdump for the
/// ISA, reading the bytes as raw binary at the image's link address), the import-table slots it
/// calls or jumps to, and the hardening marks a reverse engineer would look for. This is the
/// reviewer's view of a contender that hands over bytes and nothing else; it reads the bytes, it
/// never runs them.
/// </summary>
public sealed partial record Disassembly(Isa Isa, IReadOnlyList<Disassembly.Instruction> Instructions, IReadOnlyList<string> ImportsCalled)
{
    public sealed record Instruction(ulong Address, string Text);

    /// <summary>The stack-protector canary read: %fs:0x28 on x86_64 glibc. On aarch64 and riscv64
    /// the guard is a global, which a bare image can only reach through __stack_chk_fail's slot.</summary>
    public bool ReadsCanary => Isa == Isa.X86_64 && Instructions.Any(i => i.Text.Contains("%fs:0x28", StringComparison.Ordinal));

    public bool HasStackProtector => ReadsCanary || ImportsCalled.Contains("__stack_chk_fail");

    /// <summary>CET indirect-branch tracking: the entry starts with endbr64 (x86_64 only).</summary>
    public bool EntryHasEndbr => Instructions.Count > 0 && Instructions[0].Text.StartsWith("endbr64", StringComparison.Ordinal);

    public static async Task<Disassembly> OfAsync(byte[] code, Isa isa, Workspace workspace, ToolRunner tools, ImportTable imports, CancellationToken ct)
    {
        string image = workspace.ImagePath(code);
        string machine = isa.Name switch { "x86_64" => "i386:x86-64", "aarch64" => "aarch64", _ => "riscv:rv64" };
        var r = await tools.RunAsync(isa.Objdump, ["-D", "-b", "binary", "-m", machine, "--adjust-vma=0x" + Artifact.ImageAddress.ToString("x", CultureInfo.InvariantCulture), image], ct);
        if (!r.Succeeded) throw new ToolFailedException($"disassembling an image for {isa}", r);
        return Parse(isa, r.StandardOutput, imports);
    }

    public static Disassembly Parse(Isa isa, string objdump, ImportTable imports)
    {
        var list = new List<Instruction>();
        var called = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var line in objdump.Split('\n'))
        {
            var m = LineRegex().Match(line);
            if (!m.Success) continue;
            ulong address = ulong.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            string text = m.Groups[2].Value.Trim();
            list.Add(new Instruction(address, text));
            // A branch whose target objdump resolved below the image lands in the import table.
            var t = BranchRegex().Match(text);
            if (t.Success && ulong.TryParse(t.Groups[2].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong target) && target < Artifact.ImageAddress)
            {
                int slot = (int)(target / (ulong)ImportTable.SlotBytes);
                if (target % (ulong)ImportTable.SlotBytes == 0 && slot < imports.Symbols.Count) called.Add(imports.Symbols[slot]);
            }
        }
        return new Disassembly(isa, list, called.ToList());
    }

    // "    1005:\te9 96 f4 ff ff       \tjmp    0x4a0": address, bytes, instruction text.
    [GeneratedRegex(@"^\s*([0-9a-f]+):\t[0-9a-f ]+\t(.+)$")]
    private static partial Regex LineRegex();

    // x86 call/jmp, aarch64 b/bl, riscv jal/jalr/jr (target in objdump's "# 0x..." comment).
    [GeneratedRegex(@"^(call|jmp|bl|b|jal|jalr|jr|j|tail)\b.*?(?:0x|# 0x)([0-9a-f]+)\s*(?:<[^>]*>)?\s*$")]
    private static partial Regex BranchRegex();
}

using System.Globalization;
using System.Text;
using Iced.Intel;

namespace Sourceless.Serving;

/// <summary>
/// The built-in model's bytes as assembly, for a client that asked for asm: on x86_64 each
/// instruction in AT&amp;T syntax when it has no PC-relative operand (GNU as then rebuilds it from
/// the text alone), otherwise as .byte lines with the instruction in a comment; other ISAs as .byte
/// lines. Either way the assembler rebuilds an equivalent image of the same length.
/// </summary>
public static class AsmText
{
    public static string Render(byte[] code, string isa)
    {
        var sb = new StringBuilder();
        if (isa != "x86_64")
        {
            foreach (var chunk in code.Chunk(4)) sb.Append("    .byte ").Append(string.Join(", ", chunk.Select(b => "0x" + b.ToString("x2", CultureInfo.InvariantCulture)))).Append('\n');
            return sb.ToString();
        }
        var decoder = Iced.Intel.Decoder.Create(64, new ByteArrayCodeReader(code));
        var formatter = new GasFormatter();
        var output = new StringOutput();
        while (decoder.IP < (ulong)code.Length)
        {
            int start = (int)decoder.IP;
            decoder.Decode(out var instruction);
            formatter.Format(instruction, output);
            string text = output.ToStringAndReset();
            bool relative = instruction.IsIPRelativeMemoryOperand || instruction.FlowControl is FlowControl.UnconditionalBranch or FlowControl.ConditionalBranch or FlowControl.Call
                || instruction.IsInvalid || instruction.Code == Code.INVALID;
            if (relative || instruction.FlowControl == FlowControl.IndirectBranch && instruction.IsIPRelativeMemoryOperand)
                sb.Append("    .byte ").Append(string.Join(", ", code[start..(int)decoder.IP].Select(b => "0x" + b.ToString("x2", CultureInfo.InvariantCulture))))
                  .Append("  # ").Append(instruction.IsInvalid ? "(not an instruction)" : text).Append('\n');
            else sb.Append("    ").Append(text).Append('\n');
        }
        return sb.ToString();
    }
}

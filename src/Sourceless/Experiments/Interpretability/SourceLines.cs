using System.Globalization;
using Sourceless.Artifacts;
using Sourceless.Targets;
using Sourceless.Tools;

namespace Sourceless.Experiments.Interpretability;

/// <summary>Maps image offsets to lines of the reference source through the artifact's DWARF,
/// with the ISA's own addr2line (one call per artifact for all offsets).</summary>
public static class SourceLines
{
    public static async Task<IReadOnlyDictionary<long, int>> MapAsync(byte[] debugImage, Isa isa, IEnumerable<long> offsets, string sourceFile,
        string workDir, ToolRunner tools, CancellationToken ct)
    {
        var list = offsets.Where(o => o >= 0).Distinct().Order().ToList();
        var result = new Dictionary<long, int>();
        if (list.Count == 0) return result;
        string elf = Path.Combine(workDir, "debug.elf");
        await File.WriteAllBytesAsync(elf, debugImage, ct);
        string tool = isa.IsNative ? "addr2line" : $"{isa.Triple}-addr2line";
        foreach (var chunk in list.Chunk(2000))
        {
            var args = new List<string> { "-e", elf };
            args.AddRange(chunk.Select(o => "0x" + ((ulong)o + Artifact.ImageAddress).ToString("x", CultureInfo.InvariantCulture)));
            var r = await tools.RunAsync(tool, args, ct);
            if (!r.Succeeded) return result;
            var lines = r.StandardOutput.Split('\n');
            for (int i = 0; i < chunk.Length && i < lines.Length; i++)
            {
                // "path/ref.c:12" or "path/ref.c:12 (discriminator 3)" or "??:0"
                var text = lines[i].Split(' ')[0];
                int colon = text.LastIndexOf(':');
                if (colon <= 0 || !text[..colon].EndsWith(sourceFile, StringComparison.Ordinal)) continue;
                if (int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int line) && line > 0) result[chunk[i]] = line;
            }
        }
        return result;
    }
}

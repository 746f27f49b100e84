using System.Text;
using Sourceless.Values;

namespace Sourceless.Tasks.Import;

/// <summary>Writes an imported function as a task folder in the existing format
/// (docs/task-format.md): task.txt with the agreed inputs as hand-picked tests, the inferred
/// generators on the <c>random:</c> line (count 0: editable, not drawn), and ref.c.</summary>
public static class TaskWriter
{
    public static string Write(string suiteFolder, ImportedTask t)
    {
        string dir = Path.Combine(suiteFolder, t.Name);
        Directory.CreateDirectory(dir);
        var sig = t.Shape.Signature;
        var sb = new StringBuilder();
        sb.AppendLine("# Imported by 'sourceless tasks import'. The tests are inputs on which the reference is well");
        sb.AppendLine("# defined (ASan + UBSan clean) and every compiler, level and ISA agrees; 'random:' holds the");
        sb.AppendLine("# generators that drew them (count 0: edit them and import again to draw others).");
        sb.AppendLine($"name: {t.Name}");
        sb.AppendLine($"category: {t.Category}");
        sb.AppendLine($"summary: {t.Name} from {OneLine(t.Origin)} (imported)");
        sb.AppendLine($"origin: {OneLine(t.Origin)}");
        sb.AppendLine($"spec-from: {t.SpecFrom}");
        sb.AppendLine($"signature: {sig.Declaration}");
        if (t.Shape.Types.Length > 0)
        {
            sb.AppendLine("types:");
            foreach (var line in t.Shape.Types.Split('\n')) sb.AppendLine("  " + line);
        }
        sb.AppendLine("spec:");
        foreach (var line in t.Spec.Split('\n')) sb.AppendLine(line.Trim().Length == 0 ? "" : "  " + line.TrimEnd());
        sb.AppendLine("tests:");
        foreach (var c in t.Tests) sb.AppendLine("  " + TestLine(sig, c));
        sb.AppendLine($"random: {GeneratorInference.RandomLine(0, t.Generators)}");
        File.WriteAllText(Path.Combine(dir, TaskFile.FileName), sb.ToString());
        File.WriteAllText(Path.Combine(dir, "ref.c"), t.ReferenceSource);
        return dir;
    }

    public static string TestLine(Signature sig, TestCase c) =>
        $"{string.Join(", ", sig.Parameters.Select((p, i) => ValueText.Canonical(c.Arguments[i], p.Type)))} => {c.Expected}";

    private static string OneLine(string s) => s.Replace('\n', ' ').Replace('\r', ' ');
}

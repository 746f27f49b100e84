using System.Text.Json;

namespace Sourceless.Tasks.Import;

/// <summary>One ExeBench record made into a C file: its dependencies (types, helpers, globals)
/// then the function's definition, as ExeBench's own I/O wrapper compiles them.</summary>
public sealed record ExeBenchRecord(int Line, string FunctionName, string SourcePath, string CFile);

/// <summary>
/// Reads ExeBench-format JSONL (jordiae/exebench: one JSON object per line with at least
/// <c>fname</c> and <c>func_def</c>, and <c>real_deps</c> or <c>synth_deps</c> holding the
/// declarations the function needs; <c>path</c> names its origin). Each record becomes a C file
/// in the work folder whose only candidate is <c>fname</c>. A line that is not such a record is a
/// counted rejection; the rest of the file goes on.
/// </summary>
public static class ExeBenchSource
{
    public static (IReadOnlyList<ExeBenchRecord> Records, IReadOnlyList<Rejection> Rejections) Read(string jsonl, string displayName, string workFolder)
    {
        var records = new List<ExeBenchRecord>();
        var rejections = new List<Rejection>();
        Directory.CreateDirectory(workFolder);
        int lineNo = 0;
        foreach (var line in File.ReadLines(jsonl))
        {
            lineNo++;
            if (line.Trim().Length == 0) continue;
            string where = $"{displayName}:{lineNo}";
            try
            {
                using var doc = JsonDocument.Parse(line);
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object) throw new FormatException("the line is not a JSON object");
                string fname = Str(root, "fname") ?? throw new FormatException("no 'fname' field");
                string def = Str(root, "func_def") ?? throw new FormatException("no 'func_def' field");
                if (!System.Text.RegularExpressions.Regex.IsMatch(fname, "^[A-Za-z_][A-Za-z0-9_]*$")) throw new FormatException($"'fname' is not a C identifier: {fname}");
                string deps = Str(root, "real_deps") is { Length: > 0 } real ? real : Str(root, "synth_deps") ?? "";
                string origin = Str(root, "path") ?? where;
                string file = Path.Combine(workFolder, $"{lineNo:D6}_{fname}.c");
                File.WriteAllText(file, $"/* ExeBench record {where} ({origin}) */\n{deps}\n{def}\n");
                records.Add(new ExeBenchRecord(lineNo, fname, $"{where} ({origin})", file));
            }
            catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
            {
                rejections.Add(new Rejection(where, null, Reasons.NotExeBench, e.Message.Split('\n')[0]));
            }
        }
        return (records, rejections);
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}

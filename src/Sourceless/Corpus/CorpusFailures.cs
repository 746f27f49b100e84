using System.Text;
using System.Text.Json;

namespace Sourceless.Corpus;

/// <summary>
/// failures.jsonl beside the corpus files: every compile failure of the folder's runs, one JSON
/// object per line, so a failure is named and not only counted. A re-run appends only failures not
/// already listed (it recompiles a chunk that a kill left unwritten, and must not list it twice).
/// </summary>
public sealed class CorpusFailures
{
    public const string FileName = "failures.jsonl";

    // Compiler messages quote with ‘’ and <>: kept as they are, readable in the file.
    private static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly HashSet<string> _listed;

    public string Path { get; }

    public CorpusFailures(string folder)
    {
        Path = System.IO.Path.Combine(folder, FileName);
        _listed = File.Exists(Path) ? File.ReadLines(Path).Where(l => l.Length > 0).ToHashSet(StringComparer.Ordinal) : [];
        if (!File.Exists(Path)) File.WriteAllText(Path, "");
    }

    public static CorpusFailure Of(CorpusProgram program, Targets.Target target, string compilerOutput) =>
        new(program.File ?? program.Id, program.Id, target.Id, FirstErrorLine(compilerOutput));

    /// <summary>The first line that reports an error ("error:", "fatal error:"), else the first line:
    /// gcc and clang open with "In function ..." context lines that name nothing wrong.</summary>
    public static string FirstErrorLine(string compilerOutput)
    {
        var lines = compilerOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.FirstOrDefault(l => l.Contains("error:", StringComparison.Ordinal)) ?? lines.FirstOrDefault() ?? "";
    }

    public async Task AppendAsync(IEnumerable<CorpusFailure> failures, CancellationToken ct)
    {
        var sb = new StringBuilder();
        foreach (var f in failures)
        {
            string line = JsonSerializer.Serialize(f, Json);
            if (_listed.Add(line)) sb.Append(line).Append('\n');
        }
        if (sb.Length > 0) await File.AppendAllTextAsync(Path, sb.ToString(), ct);
    }
}

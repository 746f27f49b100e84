using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sourceless.Tasks.Import;

/// <summary>An accepted function in import.json: where it came from, what was inferred.</summary>
public sealed record AcceptedEntry(string Name, string Origin, string SpecFrom, string Signature, IReadOnlyDictionary<string, string> Generators, int Inputs, int DroppedInputs);

/// <summary>import.json: files read, functions found, candidates, accepted, every rejection with
/// its reason, counts by reason, and where the time went.</summary>
public sealed record ImportReport(
    IReadOnlyList<string> Sources,
    int FilesRead,
    int FunctionsFound,
    int Candidates,
    IReadOnlyList<AcceptedEntry> Accepted,
    IReadOnlyList<Rejection> Rejections,
    double Seconds,
    double ParseSeconds,
    double BuildSeconds,
    double RunSeconds,
    int MinInputs,
    IReadOnlyList<string> Targets)
{
    public const string FileName = "import.json";

    public IReadOnlyDictionary<string, int> RejectionsByReason =>
        Rejections.GroupBy(r => r.Reason).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count());

    /// <summary>Accepted over candidates (a candidate: a function whose types fit the task format).</summary>
    public double AcceptedShare => Candidates == 0 ? 0 : (double)Accepted.Count / Candidates;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        // A file for people to read: quotes and apostrophes in compiler messages stay as they are.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public void Write(string folder) => File.WriteAllText(Path.Combine(folder, FileName), JsonSerializer.Serialize(new
    {
        sources = Sources,
        files_read = FilesRead,
        functions_found = FunctionsFound,
        candidates = Candidates,
        accepted = Accepted.Count,
        accepted_share = Math.Round(AcceptedShare, 4),
        min_inputs = MinInputs,
        targets = Targets,
        rejections_by_reason = RejectionsByReason,
        seconds = new { total = Math.Round(Seconds, 2), parse = Math.Round(ParseSeconds, 2), build = Math.Round(BuildSeconds, 2), run = Math.Round(RunSeconds, 2) },
        tasks = Accepted,
        rejections = Rejections,
    }, Json) + "\n");

    public string Summary()
    {
        var lines = new List<string>
        {
            $"files read: {FilesRead}",
            $"functions found: {FunctionsFound}",
            $"candidates (types fit the task format): {Candidates}",
            $"accepted: {Accepted.Count} ({AcceptedShare:P1} of candidates)",
            $"rejections: {Rejections.Count}",
        };
        lines.AddRange(RejectionsByReason.Select(kv => $"  {kv.Key,-30} {kv.Value,5}"));
        lines.Add($"time: {Seconds:0.0} s (summed over workers: parse {ParseSeconds:0.0} s, build {BuildSeconds:0.0} s, test runs {RunSeconds:0.0} s)");
        return string.Join('\n', lines);
    }
}

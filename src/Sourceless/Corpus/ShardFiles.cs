using System.Text;
using System.Text.Json;
using Parquet.Serialization;
using Sourceless.Harness;

namespace Sourceless.Corpus;

/// <summary>
/// Writes and reads corpus files. A file is written under a temporary name in the same folder and
/// renamed when complete, so a killed run leaves whole files only and a re-run skips the files
/// that exist. Parquet for any size; JSONL (bytes as hex) for small runs and quick looks.
/// </summary>
public static class ShardFiles
{
    public static readonly IReadOnlyList<string> Formats = ["parquet", "jsonl"];

    public static async Task WriteAsync(string path, IReadOnlyList<CorpusRecord> records, CancellationToken ct)
    {
        await AtomicFile.WriteAsync(path, async stream =>
        {
            if (path.EndsWith(".parquet", StringComparison.Ordinal))
                await ParquetSerializer.SerializeAsync(records, stream, cancellationToken: ct);
            else
            {
                await using var w = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true);
                foreach (var r in records) await w.WriteLineAsync(ToJsonl(r));
            }
        });
    }

    /// <summary>A corpus file's records. A corrupt or torn file (truncated Parquet, a JSONL line
    /// that is not a record) is the user's bad input: one line naming the file, never a trace.</summary>
    public static async Task<IReadOnlyList<CorpusRecord>> ReadAsync(string path, CancellationToken ct)
    {
        try
        {
            return await ReadUncheckedAsync(path, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException and not UserError)
        {
            throw new UserError($"{path} is not a readable corpus file ({e.GetType().Name}: {e.Message.Split('\n')[0]}); " +
                "move it away, or delete it and re-run the corpus command to write it again");
        }
    }

    private static async Task<IReadOnlyList<CorpusRecord>> ReadUncheckedAsync(string path, CancellationToken ct)
    {
        if (path.EndsWith(".parquet", StringComparison.Ordinal))
        {
            await using var stream = File.OpenRead(path);
            var read = await ParquetSerializer.DeserializeAsync<CorpusRecord>(stream, cancellationToken: ct);
            return read.Data.ToList();
        }
        var result = new List<CorpusRecord>();
        foreach (var line in await File.ReadAllLinesAsync(path, ct))
            if (line.Length > 0) result.Add(FromJsonl(line));
        return result;
    }

    /// <summary>The corpus files in a folder, in name order (which is shard, then chunk order):
    /// not temporary files, and not failures.jsonl, which is a list of failures, not records.</summary>
    public static IReadOnlyList<string> List(string dir) =>
        Directory.Exists(dir)
            ? Directory.EnumerateFiles(dir).Where(f => Formats.Any(x => f.EndsWith("." + x, StringComparison.Ordinal))
                    && !Path.GetFileName(f).StartsWith('.') && Path.GetFileName(f) != CorpusFailures.FileName)
                .Order(StringComparer.Ordinal).ToList()
            : [];

    /// <summary>A JSONL line: the Parquet record's columns, with the bytes as lowercase hex
    /// ("bytes_hex"), since JSON has no binary type.</summary>
    public static string ToJsonl(CorpusRecord r)
    {
        var node = JsonSerializer.SerializeToNode(r)!.AsObject();
        node.Remove("bytes");
        node["bytes_hex"] = Convert.ToHexStringLower(r.Bytes);
        return node.ToJsonString();
    }

    public static CorpusRecord FromJsonl(string line)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(line)!.AsObject();
        string hex = (string?)node["bytes_hex"] ?? "";
        node.Remove("bytes_hex");
        var r = node.Deserialize<CorpusRecord>()!;
        r.Bytes = Convert.FromHexString(hex);
        return r;
    }
}

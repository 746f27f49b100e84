namespace Sourceless.Corpus;

/// <summary>
/// Unions corpus folders (the shards of one partition, or any corpora) into one: every record,
/// in program order, a duplicate kept only at its first program (the rule an unsharded run
/// applies as it goes), written in files of --chunk-records records. So the merge of shards 0..N-1
/// of a partition equals the unsharded run, record for record.
/// </summary>
public static class CorpusMerge
{
    public static async Task<(int Inputs, int Records, int Duplicates, int Files)> RunAsync(IReadOnlyList<string> inputs, string output, string format, int chunkRecords, CancellationToken ct)
    {
        var files = inputs.SelectMany(dir =>
        {
            if (!Directory.Exists(dir)) throw new UserError($"corpus merge: no such folder {dir}");
            var list = ShardFiles.List(dir);
            if (list.Count == 0) throw new UserError($"corpus merge: {dir} holds no corpus files");
            return list;
        }).ToList();
        if (Directory.Exists(output) && ShardFiles.List(output).Count > 0) throw new UserError($"corpus merge: {output} already holds corpus files; merge into a new folder");
        Directory.CreateDirectory(output);
        var all = new List<CorpusRecord>();
        foreach (var f in files) all.AddRange(await ShardFiles.ReadAsync(f, ct));
        var ordered = Order(all);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var kept = ordered.Where(r => seen.Add(r.RecordId)).ToList();
        int n = 0;
        foreach (var chunk in kept.Chunk(Math.Max(1, chunkRecords)))
            await ShardFiles.WriteAsync(Path.Combine(output, $"merged-{n++:D5}.{format}"), chunk, ct);
        if (n == 0) await ShardFiles.WriteAsync(Path.Combine(output, $"merged-00000.{format}"), [], ct);
        return (files.Count, kept.Count, all.Count - kept.Count, Math.Max(n, 1));
    }

    /// <summary>The canonical order of a corpus: program, then target, then function.</summary>
    public static List<CorpusRecord> Order(IEnumerable<CorpusRecord> records) =>
        records.OrderBy(r => r.ProgramIndex).ThenBy(r => r.Target, StringComparer.Ordinal).ThenBy(r => r.Function, StringComparer.Ordinal)
            .ThenBy(r => r.RecordId, StringComparer.Ordinal).ToList();
}

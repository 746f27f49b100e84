using System.Diagnostics;
using Sourceless.Report;
using Sourceless.Store;

namespace Sourceless.Trials;

/// <summary>
/// <c>trial merge</c>: joins the N shards of one trial (<c>trial --shard K/N</c>, each in its own
/// run folder, perhaps on its own machine) into one store and writes its report. Shards partition
/// the tasks, so their raw rows are disjoint and the union is the unsharded trial's rows. Refused,
/// with the reason, when the folders are not the complete, finished shards of one trial made with
/// the same tools.
/// </summary>
public static class TrialMerge
{
    /// <summary>Tables of a run's bookkeeping rather than its raw rows: written fresh for the merge.</summary>
    private static readonly HashSet<string> Bookkeeping = ["trial", "sessions", "stages", "tools"];

    public static TrialResult Run(IReadOnlyList<string> runs, string? outDir)
    {
        var clock = Stopwatch.StartNew();
        if (runs.Count == 0) throw new UserError("trial merge: name the shards' run folders");
        var shards = runs.Select(Read).ToList();
        var first = shards[0];
        int n = first.Settings.ShardParts.N;
        foreach (var s in shards.Skip(1))
        {
            var differ = first.Settings.DifferencesFrom(s.Settings);
            if (differ.Count > 0)
                throw new UserError($"{s.Folder} is not a shard of the same trial as {first.Folder}: {string.Join(", ", differ)} differ");
            if (s.Settings.ShardParts.N != n)
                throw new UserError($"{s.Folder} is shard {s.Settings.Shard}, {first.Folder} is shard {first.Settings.Shard}: not one partition");
            // Outcomes depend on the toolchain (the report prints its versions): one trial, one toolchain.
            foreach (var (tool, version) in first.Tools)
                if (s.Tools.TryGetValue(tool, out var other) && other != version)
                    throw new UserError($"{s.Folder} ran {tool} {other}, {first.Folder} ran {tool} {version}: shards must use the same tools");
        }
        var byK = shards.GroupBy(s => s.Settings.ShardParts.K).ToList();
        if (byK.FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new UserError($"shard {twice.Key}/{n} is given twice ({string.Join(", ", twice.Select(s => s.Folder))})");
        var missing = Enumerable.Range(0, n).Except(byK.Select(g => g.Key)).ToList();
        if (missing.Count > 0)
            throw new UserError($"shard(s) {string.Join(", ", missing.Select(k => $"{k}/{n}"))} missing: a merge needs all {n}");

        string folder = RunFolder.ForNewRun(outDir);
        using var store = TrialStore.Open(Path.Combine(folder, TrialStore.FileName));
        (first.Settings with { Shard = "0/1" }).Store(store);
        foreach (var (k, v) in first.Facts) store.SetTrial(k, v);
        store.SetTrial("merged_from", string.Join(' ', shards.OrderBy(s => s.Settings.ShardParts.K).Select(s => s.Folder)));
        store.BeginSession(string.Join(' ', Environment.GetCommandLineArgs().Skip(1)));
        var tables = store.Tables().Where(t => !Bookkeeping.Contains(t)).ToList();
        foreach (var s in shards.OrderBy(s => s.Settings.ShardParts.K))
        {
            store.AppendFrom(s.Store, tables);
            CopyOutputs(s.Folder, folder, store);
            Console.Error.WriteLine($"merged shard {s.Settings.Shard} from {s.Folder}");
        }
        // Stage times add up over the shards: the work the trial took, wherever it ran.
        var stages = shards.SelectMany(s => s.Stages).GroupBy(x => x.Stage)
            .Select(g => (Stage: g.Key, Seconds: g.Sum(x => x.Seconds), Items: g.Sum(x => x.Items))).ToList();
        foreach (var (stage, seconds, items) in stages) store.RecordStage(stage, seconds, items);
        store.RecordTools(first.Tools);
        store.EndSession(clock.Elapsed.TotalSeconds);
        var report = ReportBuilder.Build(store, folder);
        ReportWriter.WriteAll(report, store, folder);
        return new TrialResult(folder, report, stages, clock.Elapsed.TotalSeconds);
    }

    /// <summary>What experiments leave in a run folder besides the store (the corpus, the learning
    /// curve's models: only shard 0 makes them) comes along, so the merged folder stands alone; the
    /// scratch folder 'work' does not. Stored paths into the shard's folder are moved to the copy.</summary>
    private static void CopyOutputs(string shard, string merged, TrialStore store)
    {
        foreach (var dir in Directory.EnumerateDirectories(shard).Where(d => Path.GetFileName(d) != "work"))
        {
            string target = Path.Combine(merged, Path.GetFileName(dir));
            if (Directory.Exists(target)) continue;
            CopyTree(dir, target);
            store.Update("UPDATE corpus_runs SET folder = $1 WHERE folder = $2", target, dir);
        }
    }

    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.EnumerateFiles(from)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
        foreach (var d in Directory.EnumerateDirectories(from)) CopyTree(d, Path.Combine(to, Path.GetFileName(d)));
    }

    private sealed record SessionEnd(int Session, string? Finished);
    private sealed record ToolVersion(string Tool, string? Version);
    private sealed record TrialKey(string Key, string? Value);
    private sealed record StageTime(string Stage, double Seconds, int Items);

    private sealed record Shard(string Folder, string Store, TrialSettings Settings, Dictionary<string, string> Tools,
        List<KeyValuePair<string, string>> Facts, List<(string Stage, double Seconds, int Items)> Stages);

    private static Shard Read(string run)
    {
        string folder = Path.GetFullPath(run);
        string path = Path.Combine(folder, TrialStore.FileName);
        if (!File.Exists(path)) throw new UserError($"{run}: no {TrialStore.FileName} there, so it is not a Sourceless run folder");
        using var store = TrialStore.Open(path, readOnly: true);
        var settings = TrialSettings.Load(store);
        var last = store.Rows<SessionEnd>("SELECT session, finished FROM sessions ORDER BY session DESC LIMIT 1").FirstOrDefault();
        if (last?.Finished is null)
            throw new UserError($"{run}: shard {settings.Shard} did not finish (its last session has no end); finish it with 'sourceless trial --resume {run}' first");
        var tools = store.Rows<ToolVersion>("SELECT tool, version FROM tools").ToDictionary(r => r.Tool, r => r.Version ?? "", StringComparer.Ordinal);
        // Facts about the machine and version, kept from the first shard; the settings are written once.
        var facts = store.Rows<TrialKey>("SELECT key, value FROM trial WHERE key NOT IN ($1, 'schema_version') ORDER BY key", TrialSettings.Key)
            .Select(r => new KeyValuePair<string, string>(r.Key, r.Value ?? "")).ToList();
        var stages = store.Rows<StageTime>("SELECT stage, seconds, items FROM stages ORDER BY session, rowid")
            .Select(r => (r.Stage, r.Seconds, r.Items)).ToList();
        return new Shard(folder, path, settings, tools, facts, stages);
    }
}

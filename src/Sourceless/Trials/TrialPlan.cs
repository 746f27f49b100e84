using System.Globalization;
using System.Text;
using Sourceless.Contenders;
using Sourceless.Experiments;
using Sourceless.Store;

namespace Sourceless.Trials;

/// <summary>
/// <c>trial --plan</c>: the work a trial would do, stage by stage, and how long each stage took per
/// item in earlier runs on this machine, before anything runs or is created. The items are counted
/// by the experiments' own Plan methods over the same generation slots the runner makes, so the
/// counts are the run's; with --shard K/N every shard of the N is planned.
/// </summary>
public static class TrialPlan
{
    public sealed record StageLine(string Stage, IReadOnlyList<int> ItemsPerShard, double? SecondsPerItem);

    /// <summary>Seconds per item of each stage, from earlier runs' stored stage times.</summary>
    public sealed record Timings(IReadOnlyDictionary<string, double> SecondsPerItem, IReadOnlyList<string> Runs);

    public static IReadOnlyList<StageLine> Lines(TrialOptions options, Timings timings)
    {
        var settings = new TrialRunner(options).ResolveNewSettings();
        var (tasks, targets) = TrialRunner.Resolve(settings);
        string scratch = Directory.CreateTempSubdirectory("sourceless-plan-").FullName;
        try
        {
            // Contenders are built (not run) only to ask which targets they serve.
            var services = new TrialServices(scratch, 1);
            var contenders = ContenderRegistry.Parse(string.Join(',', settings.Contenders), services.Contenders, settings.KindSettings, scratch);
            int n = settings.ShardParts.N;
            var perShard = Enumerable.Range(0, n).Select(k =>
            {
                var shard = settings with { Shard = $"{k}/{n}" };
                var mine = tasks.Where((_, i) => shard.Holds(i)).ToList();
                var (slots, variants) = TrialRunner.Slots(mine, contenders, targets, settings.Generations);
                // Plan methods read the settings and the slots only; they touch no store or service.
                var context = new TrialContext(null!, null!, new Dictionary<string, Harness.TestPlan>(), slots, shard, variants, null);
                var counts = new List<(string, int)> { ("setup", mine.Count), ("generate", slots.Count + variants.Count) };
                counts.AddRange(ExperimentRegistry.Ordered.Select(e => (e.Id, e.Plan(context).Count(i => TrialRunner.InThisShard(i, shard)))));
                return counts;
            }).ToList();
            return perShard[0].Select((c, i) => new StageLine(c.Item1, perShard.Select(s => s[i].Item2).ToList(),
                timings.SecondsPerItem.TryGetValue(c.Item1, out var spi) ? spi : null)).ToList();
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>Stage times per item from the run folders under <paramref name="runsDir"/> (the default
    /// place of run folders): total seconds over total items of each stage, over every run found.</summary>
    public static Timings Measured(string runsDir)
    {
        var seconds = new Dictionary<string, (double Seconds, long Items)>(StringComparer.Ordinal);
        var used = new List<string>();
        if (Directory.Exists(runsDir))
            foreach (var db in Directory.EnumerateDirectories(runsDir).Select(d => Path.Combine(d, TrialStore.FileName)).Where(File.Exists).Order(StringComparer.Ordinal))
            {
                try
                {
                    using var store = TrialStore.Open(db, readOnly: true);
                    foreach (var r in store.Rows<StageTime>("SELECT stage, SUM(seconds) AS seconds, SUM(items) AS items FROM stages WHERE items > 0 GROUP BY stage"))
                    {
                        var (s, i) = seconds.GetValueOrDefault(r.Stage);
                        seconds[r.Stage] = (s + r.Seconds, i + r.Items);
                    }
                    used.Add(Path.GetDirectoryName(db)!);
                }
                catch (UserError)
                {
                    // A store of another version or a broken file: no timings from it.
                }
            }
        return new Timings(seconds.ToDictionary(kv => kv.Key, kv => kv.Value.Seconds / kv.Value.Items, StringComparer.Ordinal), used);
    }

    private sealed record StageTime(string Stage, double Seconds, long Items);

    public static string Render(TrialOptions options, IReadOnlyList<StageLine> lines, Timings timings)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        int n = lines.Count == 0 ? 1 : lines[0].ItemsPerShard.Count;
        sb.AppendLine(n == 1 ? "plan: work items per stage, and the time per item earlier runs on this machine took"
            : $"plan: work items per stage in each of {n} shards (--shard K/{n}), and the time per item earlier runs on this machine took");
        var header = new List<string> { "stage" };
        header.AddRange(n == 1 ? ["items"] : Enumerable.Range(0, n).Select(k => $"shard {k}/{n}"));
        header.AddRange(["s/item", n == 1 ? "estimate" : "estimate per shard (max)"]);
        var rows = lines.Select(l =>
        {
            var row = new List<string> { l.Stage };
            row.AddRange(l.ItemsPerShard.Select(i => i.ToString(inv)));
            row.Add(l.SecondsPerItem is { } s ? s.ToString("0.00", inv) : "-");
            row.Add(l.SecondsPerItem is { } t ? ProgressReporter.Format(TimeSpan.FromSeconds(t * l.ItemsPerShard.Max())) : "-");
            return row;
        }).ToList();
        var perShardTotal = Enumerable.Range(0, n).Select(k => lines.Sum(l => (l.SecondsPerItem ?? 0) * l.ItemsPerShard[k])).ToList();
        var total = new List<string> { "total" };
        total.AddRange(Enumerable.Range(0, n).Select(k => lines.Sum(l => l.ItemsPerShard[k]).ToString(inv)));
        total.Add("");
        total.Add(ProgressReporter.Format(TimeSpan.FromSeconds(perShardTotal.Max())));
        rows.Add(total);
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Max(r => r[i].Length))).ToList();
        sb.AppendLine(string.Join("  ", header.Select((h, i) => i == 0 ? h.PadRight(widths[i]) : h.PadLeft(widths[i]))));
        foreach (var r in rows) sb.AppendLine(string.Join("  ", r.Select((c, i) => i == 0 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))));
        sb.AppendLine(timings.Runs.Count == 0
            ? "No earlier run folder under runs/ holds stage times: no estimate. Run a small trial first (its stages calibrate the next plan)."
            : $"s/item: stored stage seconds / items over {timings.Runs.Count} earlier run(s) under runs/ (at their --jobs; a stage without earlier times shows '-').");
        return sb.ToString();
    }
}

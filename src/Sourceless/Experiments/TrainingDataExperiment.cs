using System.Globalization;
using Sourceless.Corpus;
using Sourceless.Store;
using Sourceless.Trials;
using static Sourceless.Experiments.ExperimentRuns;

namespace Sourceless.Experiments;

/// <summary>
/// Experiment 10, training data: a small `sourceless corpus` run inside the trial (exprgen tiers
/// 1-3 for every target of the trial, an empty cache, so its pace is the compilers' pace), written
/// as Parquet into RUN/corpus. The section reports pairs per second and the corpus's size by target
/// and tier, read back from those files. It has no 0-100 score: the essay's chart has nine concerns.
/// </summary>
public sealed class TrainingDataExperiment : IExperiment
{
    public const int ProgramsPerTier = 40;

    public string Id => "training-data";
    public Concern Concern => Concern.TrainingData;
    public IEnumerable<WorkItem> Plan(TrialContext context) =>
        context.Slots.Take(1).Select(s => new WorkItem($"{Id}|corpus", "", "", s.Target, s.Target.Isa, 0));

    public async Task<IReadOnlyList<IRow>> RunAsync(WorkItem item, TrialContext context, CancellationToken ct)
    {
        string folder = Path.Combine(Path.GetDirectoryName(context.Store.Path)!, "corpus");
        var targets = context.Facts.Targets.Select(Targets.Target.Parse).ToList();
        int jobs = context.Services.Jobs;
        var options = new CorpusOptions(["exprgen"], [1, 2, 3], ProgramsPerTier, targets, folder, "parquet", 0, 1, context.Facts.Seed, jobs, 2000,
            context.Services.Workspace.Dir("corpus-cache"));
        // A resumed trial starts this item again from scratch: its pace must be measured whole.
        if (Directory.Exists(folder)) Directory.Delete(folder, true);
        var s = await new CorpusRunner(options, context.Services.Tools).RunAsync(ct);
        return [new CorpusRunRow("corpus", folder, s.Programs, s.Compiles, s.CompileFailures, s.Records, s.Duplicates, s.Seconds, jobs)];
    }

    public ReportSection Report(TrialStore store, TrialSettings facts)
    {
        var run = store.Rows<CorpusRun>("SELECT * FROM corpus_runs WHERE row_id = 'corpus'").FirstOrDefault();
        if (run is null || !Directory.Exists(S(run.Folder)))
            return new ReportSection(Id, Concern, "Training data", "No corpus was made in this trial.", "no 0-100 score", "", [], [], []);
        string glob = Path.Combine(S(run.Folder), "*.parquet").Replace("'", "''", StringComparison.Ordinal);
        string sql = $"SELECT target, tier, count(*) AS records, count(DISTINCT program_index) AS programs, round(avg(size), 1) AS mean_bytes, sum(size) AS bytes FROM read_parquet('{glob}') GROUP BY ALL ORDER BY 1, 2";
        var sizes = store.Rows<CorpusSize>(sql);
        double pairsPerSecond = D(run.Records) / Math.Max(1e-9, D(run.Seconds));
        var targets = sizes.Select(r => S(r.Target)).Distinct().ToList();
        var bars = new BarSeries("Mean function size (bytes) by target and exprgen tier", targets,
            sizes.Select(r => D(r.Tier)).Distinct().Order().Select(t => ($"tier {t}", (IReadOnlyList<double>)targets.Select(x =>
                D(sizes.FirstOrDefault(r => S(r.Target) == x && D(r.Tier) == t)?.MeanBytes)).ToList())).ToList(), "B");
        return new ReportSection(Id, Concern, "Training data: the compiler as a pair generator",
            string.Create(CultureInfo.InvariantCulture,
                $"A `sourceless corpus` run inside the trial: exprgen tiers 1-3, {ProgramsPerTier} programs each, compiled for every target of the trial with an empty cache, {S(run.Jobs)} compiles at a time. ") +
            string.Create(CultureInfo.InvariantCulture, $"It made {S(run.Records)} source/binary pairs in {D(run.Seconds):0.0} s: {pairsPerSecond:0.0} pairs per second on this machine ({S(run.CompileFailures)} compile failures, {S(run.Duplicates)} duplicates dropped). ") +
            "The Parquet files are in RUN/corpus (schema: docs/corpus-schema.md); `sourceless corpus` makes corpora of any size, sharded across machines.",
            "no 0-100 score (the essay's chart has nine concerns); pairs per second = records / seconds of the corpus run",
            sql, [],
            [
                new ReportTable("Corpus size by target and tier (read back from the Parquet files)", ["target", "tier", "records", "programs", "mean bytes", "bytes"],
                    sizes.Select(r => (IReadOnlyList<string>)[S(r.Target), S(r.Tier), S(r.Records), S(r.Programs), S(r.MeanBytes), S(r.Bytes)]).ToList()),
            ],
            [bars]);
    }

    /// <summary>A corpus_runs row as stored (SELECT *: every column of the table, the session too).</summary>
    private sealed record CorpusRun(string RowId, string Folder, int Programs, int Compiles, int CompileFailures, int Records, int Duplicates, double Seconds,
        int Jobs, int? Session);
    private sealed record CorpusSize(string Target, int Tier, long Records, long Programs, double? MeanBytes, long Bytes);
}

/// <summary>The corpus made inside the trial (table corpus_runs).</summary>
[Table("corpus_runs")]
public sealed record CorpusRunRow(string RowId, string Folder, int Programs, int Compiles, int CompileFailures, int Records, int Duplicates, double Seconds, int Jobs) : IRow;

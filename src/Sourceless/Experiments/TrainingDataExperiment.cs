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
        var run = store.Query("SELECT * FROM corpus_runs WHERE row_id = 'corpus'").FirstOrDefault();
        if (run is null || !Directory.Exists(S(run["folder"])))
            return new ReportSection(Id, Concern, "Training data", "No corpus was made in this trial.", "no 0-100 score", "", [], [], []);
        string glob = Path.Combine(S(run["folder"]), "*.parquet").Replace("'", "''", StringComparison.Ordinal);
        string sql = $"SELECT target, tier, count(*) AS records, count(DISTINCT program_index) AS programs, round(avg(size), 1) AS mean_bytes, sum(size) AS bytes FROM read_parquet('{glob}') GROUP BY ALL ORDER BY 1, 2";
        var sizes = store.Query(sql);
        double pairsPerSecond = D(run["records"]) / Math.Max(1e-9, D(run["seconds"]));
        var targets = sizes.Select(r => S(r["target"])).Distinct().ToList();
        var bars = new BarSeries("Mean function size (bytes) by target and exprgen tier", targets,
            sizes.Select(r => D(r["tier"])).Distinct().Order().Select(t => ($"tier {t}", (IReadOnlyList<double>)targets.Select(x =>
                D(sizes.FirstOrDefault(r => S(r["target"]) == x && D(r["tier"]) == t)?["mean_bytes"])).ToList())).ToList(), "B");
        return new ReportSection(Id, Concern, "Training data: the compiler as a pair generator",
            string.Create(CultureInfo.InvariantCulture,
                $"A `sourceless corpus` run inside the trial: exprgen tiers 1-3, {ProgramsPerTier} programs each, compiled for every target of the trial with an empty cache, {S(run["jobs"])} compiles at a time. ") +
            string.Create(CultureInfo.InvariantCulture, $"It made {S(run["records"])} source/binary pairs in {D(run["seconds"]):0.0} s: {pairsPerSecond:0.0} pairs per second on this machine ({S(run["compile_failures"])} compile failures, {S(run["duplicates"])} duplicates dropped). ") +
            "The Parquet files are in RUN/corpus (schema: docs/corpus-schema.md); `sourceless corpus` makes corpora of any size, sharded across machines.",
            "no 0-100 score (the essay's chart has nine concerns); pairs per second = records / seconds of the corpus run",
            sql, [],
            [
                new ReportTable("Corpus size by target and tier (read back from the Parquet files)", ["target", "tier", "records", "programs", "mean bytes", "bytes"],
                    sizes.Select(r => (IReadOnlyList<string>)[S(r["target"]), S(r["tier"]), S(r["records"]), S(r["programs"]), S(r["mean_bytes"]), S(r["bytes"])]).ToList()),
            ],
            [bars]);
    }
}

/// <summary>The corpus made inside the trial (table corpus_runs).</summary>
[Table("corpus_runs")]
public sealed record CorpusRunRow(string RowId, string Folder, int Programs, int Compiles, int CompileFailures, int Records, int Duplicates, double Seconds, int Jobs) : IRow;

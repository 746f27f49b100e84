using Sourceless.Cli;
using Sourceless.Corpus;
using Sourceless.Experiments;
using Sourceless.Experiments.Interpretability;
using Sourceless.Experiments.Iteration;
using Sourceless.Report;
using Sourceless.Store;
using Sourceless.Trials;

namespace Sourceless.Tests.Report;

/// <summary>Every typed query of the reports, the experiments and the rerun command against a
/// fresh, empty store: RowReader checks a result's columns against the record before reading any
/// row, so each query meeting its record without an error proves their columns match, with no
/// trial run.</summary>
[Trait(Quick.Trait, Quick.Value)]
public sealed class ReportQuerySpecs : IDisposable
{
    private readonly TempFolder _tmp = new("sl-repq");
    private readonly TrialStore _store;
    private readonly TrialSettings _settings = new() { Tasks = ["add_sat"], Contenders = ["gcc", "noisy:0.01"], Targets = ["x86_64/gcc/-O2"] };

    public ReportQuerySpecs()
    {
        _store = TrialStore.Open(_tmp.Sub(TrialStore.FileName));
        _settings.Store(_store);
    }

    public void Dispose()
    {
        _store.Dispose();
        _tmp.Dispose();
    }

    [Fact]
    public void Every_experiments_report_reads_an_empty_store()
    {
        Assert.True(ExperimentRegistry.All.Count >= 11, $"{ExperimentRegistry.All.Count} experiments");
        foreach (var e in ExperimentRegistry.All)
        {
            var section = Record.Exception(() => e.Report(_store, _settings));
            Assert.True(section is null, $"{e.Id}: {section}");
        }
    }

    [Fact]
    public void The_whole_report_and_results_json_build_from_an_empty_store()
    {
        var model = ReportBuilder.Build(_store, _tmp.Path);
        Assert.Equal(ExperimentRegistry.All.Count, model.Sections.Count);
        Assert.Empty(model.Sections.SelectMany(s => s.Scores));
        Assert.Contains(model.Settings, kv => kv.Key == "schema_version");
        using var json = new MemoryStream();
        JsonExport.Write(model, _store, json);
        Assert.Contains("\"faults\": 0", System.Text.Encoding.UTF8.GetString(json.ToArray()), StringComparison.Ordinal);
        Assert.NotEmpty(MarkdownReport.Render(model));
        Assert.NotEmpty(HtmlReport.Render(model));
    }

    [Fact]
    public void The_queries_outside_the_reports_read_an_empty_store()
    {
        Assert.Null(StoredArtifact.Load(_store, "none"));
        Assert.Empty(FaultRerun.Stored(_store));
        Assert.Empty(FaultRerun.Stored(_store, "f.fault_id = $1", "none"));
        Assert.Equal(0, IterationExperiment.LatencyMs(_store, "none"));
        Assert.Empty(RerunCommand.SomeFaultIds(_store));
    }

    [Fact]
    public async Task The_training_data_report_reads_its_corpus_run_and_the_parquet_files()
    {
        // The corpus read back through DuckDB's read_parquet is the one query whose columns come
        // from files, not tables: one real shard, written by the corpus writer.
        string folder = _tmp.Sub("corpus");
        Directory.CreateDirectory(folder);
        var record = new CorpusRecord { Target = "x86_64/gcc/-O2", Tier = 2, ProgramIndex = 0, Bytes = [0xc3], Size = 1 };
        await ShardFiles.WriteAsync(Path.Combine(folder, "shard-0.parquet"), [record], TestContext.Current.CancellationToken);
        _store.RecordRows("training-data|corpus", [new CorpusRunRow("corpus", folder, 1, 1, 0, 1, 0, 2.5, 1)]);
        var section = new TrainingDataExperiment().Report(_store, _settings);
        var table = Assert.Single(section.Tables);
        Assert.Equal(["x86_64/gcc/-O2", "2", "1", "1", "1", "1"], Assert.Single(table.Rows));
        Assert.Contains("It made 1 source/binary pairs in 2.5 s", section.Explanation, StringComparison.Ordinal);
    }
}

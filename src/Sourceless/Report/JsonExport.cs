using System.Globalization;
using System.Text.Json;
using Sourceless.Store;

namespace Sourceless.Report;

/// <summary>
/// results.json, the figures for scripts: settings, every score with its formula and the SQL
/// behind it, what was not measured, time per stage and session, row counts per table and tool
/// versions. Raw rows are deliberately not here: they live in results.duckdb (a default trial's
/// rows made a 41 MB JSON copy that nothing read). `trial --json` prints this same document.
/// </summary>
public static class JsonExport
{
    /// <summary>Bumped when a field changes meaning or goes away.</summary>
    public const int SchemaVersion = 2;

    public static void Write(ReportModel model, TrialStore store, Stream output)
    {
        using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        w.WriteStartObject();
        w.WriteNumber("schema", SchemaVersion);
        w.WriteString("folder", model.Folder);
        w.WriteString("raw_rows", TrialStore.FileName);
        w.WriteStartObject("settings");
        foreach (var (k, v) in model.Settings) w.WriteString(k, v);
        w.WriteEndObject();
        WriteScores(w, model);
        WriteExperiments(w, model);
        WriteTimes(w, model);
        WriteCost(w, store);
        w.WriteStartObject("counts");
        foreach (var table in store.Tables())
            w.WriteNumber(table, store.Rows<RowCount>($"SELECT count(*) AS n FROM \"{table}\"")[0].N);
        w.WriteEndObject();
        w.WriteStartArray("tools");
        foreach (var (tool, version) in model.Tools)
        {
            w.WriteStartObject();
            w.WriteString("tool", tool);
            w.WriteString("version", version);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private sealed record RowCount(long N);

    private static void WriteScores(Utf8JsonWriter w, ReportModel model)
    {
        w.WriteStartArray("scores");
        foreach (var section in model.Sections)
            foreach (var s in section.Scores)
            {
                w.WriteStartObject();
                w.WriteString("experiment", s.Experiment);
                w.WriteNumber("concern", s.Concern.Number);
                w.WriteString("concern_title", s.Concern.Title);
                w.WriteString("contender", s.Contender);
                w.WriteNumber("score", Math.Round(s.Score, 3));
                w.WriteString("formula", section.Formula);
                w.WriteString("breakdown", s.Breakdown);
                w.WriteEndObject();
            }
        w.WriteEndArray();
        w.WriteStartArray("not_measured");
        foreach (var c in Experiments.Concern.All.Where(c => !model.Measured(c))) w.WriteStringValue(c.Title);
        w.WriteEndArray();
    }

    /// <summary>One entry per experiment, scored or not: its formula and the SQL that recomputes
    /// its figures from results.duckdb.</summary>
    private static void WriteExperiments(Utf8JsonWriter w, ReportModel model)
    {
        w.WriteStartArray("experiments");
        foreach (var section in model.Sections)
        {
            w.WriteStartObject();
            w.WriteString("experiment", section.ExperimentId);
            w.WriteNumber("concern", section.Concern.Number);
            w.WriteString("title", section.Title);
            w.WriteString("formula", section.Formula);
            w.WriteString("sql", section.ScoreSql);
            w.WriteBoolean("scored", section.Scores.Count > 0);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary>The cost section's figures per contender (Experiments/Search: CostSql and CostFormula).</summary>
    private static void WriteCost(Utf8JsonWriter w, TrialStore store)
    {
        w.WriteStartObject("cost");
        w.WriteString("formula", Experiments.Search.SearchExperiment.CostFormula);
        w.WriteStartArray("contenders");
        var settings = Trials.TrialSettings.Load(store);
        foreach (var r in Experiments.Search.SearchExperiment.Cost(store, settings))
        {
            w.WriteStartObject();
            w.WriteString("contender", r.Contender);
            w.WriteNumber("generations", r.Artifacts);
            w.WriteNumber("correct", r.Correct);
            Number(w, "median_seconds_to_correct", r.MedianSecondsToCorrect);
            Number(w, "total_s", r.TotalS);
            Number(w, "local_s", r.LocalS);
            Number(w, "endpoint_s", r.EndpointS);
            Number(w, "candidates_per_generation", r.CandidatesPerArtifact);
            Number(w, "tokens_in", r.TokensIn);
            Number(w, "tokens_out", r.TokensOut);
            Number(w, "price_per_generation", r.PricePerArtifact);
            Number(w, "price_per_correct", r.PricePerCorrect);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Number(Utf8JsonWriter w, string name, double? value)
    {
        // Nine decimals: a price per generation can be a few millionths of a dollar.
        if (value is null) w.WriteNull(name); else w.WriteNumber(name, Math.Round(value.Value, 9));
    }

    private static void WriteTimes(Utf8JsonWriter w, ReportModel model)
    {
        w.WriteNumber("elapsed_s", Math.Round(model.Sessions.Sum(s => s.Elapsed ?? 0), 3));
        w.WriteStartArray("sessions");
        foreach (var (session, started, finished, elapsed) in model.Sessions)
        {
            w.WriteStartObject();
            w.WriteNumber("session", session);
            w.WriteString("started", started);
            if (finished is null) w.WriteNull("finished"); else w.WriteString("finished", finished);
            if (elapsed is null) w.WriteNull("elapsed_s"); else w.WriteNumber("elapsed_s", Math.Round(elapsed.Value, 3));
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("stages");
        foreach (var (session, stage, seconds, items) in model.Stages)
        {
            w.WriteStartObject();
            w.WriteNumber("session", session);
            w.WriteString("stage", stage);
            w.WriteNumber("seconds", Math.Round(seconds, 3));
            w.WriteNumber("items", items);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}

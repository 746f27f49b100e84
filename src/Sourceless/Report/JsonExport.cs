using System.Text.Json;
using Sourceless.Store;

namespace Sourceless.Report;

/// <summary>results.json: the settings, the scores with their formulas, and every raw table of the
/// store (code bytes as base64), for scripts that do not read DuckDB.</summary>
public static class JsonExport
{
    public static void Write(ReportModel model, TrialStore store, Stream output)
    {
        using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteStartObject("settings");
        foreach (var (k, v) in model.Settings) w.WriteString(k, v);
        w.WriteEndObject();
        WriteScores(w, model);
        w.WriteStartObject("tables");
        foreach (var table in store.Tables())
        {
            w.WriteStartArray(table);
            foreach (var row in store.Query($"SELECT * FROM \"{table}\""))
            {
                w.WriteStartObject();
                foreach (var (k, v) in row) WriteValue(w, k, v);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }

    public static void WriteScores(Utf8JsonWriter w, ReportModel model)
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

    private static void WriteValue(Utf8JsonWriter w, string name, object? v)
    {
        switch (v)
        {
            case null: w.WriteNull(name); break;
            case string s: w.WriteString(name, s); break;
            case bool b: w.WriteBoolean(name, b); break;
            case byte[] bytes: w.WriteBase64String(name, bytes); break;
            case Stream st:
                using (var ms = new MemoryStream()) { st.CopyTo(ms); w.WriteBase64String(name, ms.ToArray()); }
                break;
            case int or long or short or byte or sbyte or uint or ulong or ushort: w.WriteNumber(name, Convert.ToDecimal(v, System.Globalization.CultureInfo.InvariantCulture)); break;
            case float or double or decimal:
                double d = Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture);
                if (double.IsFinite(d)) w.WriteNumber(name, d); else w.WriteNull(name);
                break;
            default: w.WriteString(name, Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)); break;
        }
    }
}

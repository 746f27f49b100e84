namespace Sourceless.Experiments;

/// <summary>One contender's 0-100 score on one experiment, with the formula in words, the SQL that
/// computed it from the stored raw rows, and the numbers that went in.</summary>
public sealed record ExperimentScore(string Experiment, Concern Concern, string Contender, double Score, string Breakdown);

/// <summary>A table for the report; every cell is plain text (escaped when rendered).</summary>
public sealed record ReportTable(string Caption, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows);

/// <summary>An experiment's part of the report.</summary>
public sealed record ReportSection(string ExperimentId, Concern Concern, string Title, string Explanation, string Formula, string ScoreSql,
    IReadOnlyList<ExperimentScore> Scores, IReadOnlyList<ReportTable> Tables, IReadOnlyList<BarSeries> Bars)
{
    /// <summary>"N imported tasks not applicable: ..." when the trial holds tasks this experiment
    /// cannot use (no change request, no planted vulnerability); null otherwise.</summary>
    public string? NotApplicable { get; init; }
}

/// <summary>A small bar chart inside a section: one value per (category, series).</summary>
/// <summary>Bars per category, one per series; Stacked draws each category as one bar of shares
/// (the series' values then add up to 100 per category).</summary>
public sealed record BarSeries(string Caption, IReadOnlyList<string> Categories, IReadOnlyList<(string Series, IReadOnlyList<double> Values)> Series, string Unit,
    bool Stacked = false);

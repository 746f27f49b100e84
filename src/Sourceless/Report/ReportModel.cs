using Sourceless.Experiments;

namespace Sourceless.Report;

/// <summary>Everything a report shows, computed from the store alone (so a report can be rebuilt
/// from a run folder at any time with 'sourceless report DIR').</summary>
public sealed record ReportModel(
    string Folder,
    IReadOnlyDictionary<string, string> Settings,
    IReadOnlyList<string> Contenders,
    IReadOnlyList<ReportSection> Sections,
    IReadOnlyList<(string Tool, string Version)> Tools,
    IReadOnlyList<(int Session, string Stage, double Seconds, int Items)> Stages,
    IReadOnlyList<(int Session, string Started, string? Finished, double? Elapsed)> Sessions)
{
    /// <summary>What "not measured" (a hatched band in the chart) means. Every concern has an
    /// experiment, so a missing score says this run gave it nothing to measure.</summary>
    public const string NotMeasured = "not measured in this run (e.g. no vulnerable task in the task sample, or no row for that contender)";

    /// <summary>The measured score of a concern for a contender; null when no experiment measured it.</summary>
    public double? Score(Concern concern, string contender) =>
        Sections.Where(s => s.Concern == concern).SelectMany(s => s.Scores).FirstOrDefault(x => x.Contender == contender)?.Score;

    /// <summary>Per-suite scores side by side, when the trial named its suites (--suite); else null.</summary>
    public ReportTable? Suites { get; init; }

    public bool Measured(Concern concern) => Sections.Any(s => s.Concern == concern && s.Scores.Count > 0);
}

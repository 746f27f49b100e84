namespace Sourceless.Report;

/// <summary>
/// Published figures for AI compilation, so a reader can place the measured AI contenders. They are
/// cited, not measured here: shown in a box of their own in the report and README, never in a
/// score, a chart or results.json's scores. Each names its source as the issue that asked for the
/// box gave it; a figure is only added with its source.
/// </summary>
public static class CitedFigures
{
    public sealed record Figure(string Value, string What, string Source);

    public const string Title = "Published reference points (cited, not measured here)";

    public static IReadOnlyList<Figure> All { get; } =
    [
        new(">99%", "ExeBench functions compiled correctly, with block-wise translation and test-driven self-correction", "LEGO-Compiler (2025)"),
        new("20%", "outputs that emulate the compiler exactly (disassembly and assembly of compiler output)", "Meta LLM Compiler (Cummins et al., 2024)"),
        new("45.7% / 2%", "IR to x86-64 assembly passing tests: DeepSeek-R1 / GPT-4o", "QiMeng-NeuComBack (2025)"),
    ];

    public const string Note = "Other tasks, other test sets, other machines: these are not comparable row for row with the scores above, and none of them enters a score here.";
}

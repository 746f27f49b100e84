namespace Sourceless.Tasks.Import;

/// <summary>What <c>sourceless tasks import</c> was asked for.</summary>
public sealed record ImportOptions
{
    public required IReadOnlyList<string> Sources { get; init; }
    public required string Out { get; init; }
    /// <summary>Inputs on which every compiler, level and ISA must agree for a function to be kept.</summary>
    public int MinInputs { get; init; } = 10;
    /// <summary>Random inputs drawn per function before the sanitizers and the targets thin them out.</summary>
    public int Draws { get; init; } = 32;
    public ulong Seed { get; init; } = 1;
    public int Jobs { get; init; } = Environment.ProcessorCount;
    /// <summary>The targets that must agree: gcc and clang at -O0 and -O2 on every ISA.</summary>
    public string Targets { get; init; } = "*/*/-O0,*/*/-O2";
    public string? Work { get; init; }
}

namespace Sourceless.Corpus;

/// <summary>One C program of a corpus: where it came from, its text, and, for built-in tasks, its
/// I/O tests. Index is its place in the run's deterministic order; --shard K/N takes the programs
/// whose index is K modulo N. File is the program's file on disk, for the dir:PATH source.</summary>
public sealed record CorpusProgram(long Index, string Origin, string Id, int Tier, string Source, string? Tests = null,
    IReadOnlyList<string>? IncludeDirs = null, string? File = null);

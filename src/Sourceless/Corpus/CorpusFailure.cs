using System.Text.Json.Serialization;

namespace Sourceless.Corpus;

/// <summary>One program that did not compile for one target.</summary>
/// <param name="File">The program's file (dir:PATH sources), or its id when it has no file.</param>
/// <param name="Error">The compiler's first error line.</param>
public sealed record CorpusFailure(
    [property: JsonPropertyName("file")] string File,
    [property: JsonPropertyName("program_id")] string ProgramId,
    [property: JsonPropertyName("target")] string Target,
    [property: JsonPropertyName("error")] string Error);

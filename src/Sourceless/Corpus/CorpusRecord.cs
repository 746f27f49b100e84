using System.Text.Json.Serialization;

namespace Sourceless.Corpus;

/// <summary>
/// One source/binary pair: a function of a program as one target's compiler made it. The schema
/// of the Parquet shards and JSONL files (docs/corpus-schema.md); plain properties, so Parquet.Net
/// maps each to a column that DuckDB and Hugging Face datasets read as they are.
/// </summary>
public sealed class CorpusRecord
{
    /// <summary>sha256 of target, function, source and bytes: the deduplication key.</summary>
    [JsonPropertyName("record_id")]
    public string RecordId { get; set; } = "";
    [JsonPropertyName("program_index")]
    public long ProgramIndex { get; set; }
    [JsonPropertyName("program_id")]
    public string ProgramId { get; set; } = "";
    [JsonPropertyName("origin")]
    public string Origin { get; set; } = "";
    [JsonPropertyName("tier")]
    public int Tier { get; set; }
    [JsonPropertyName("function")]
    public string Function { get; set; } = "";
    [JsonPropertyName("source")]
    public string Source { get; set; } = "";
    [JsonPropertyName("source_sha256")]
    public string SourceSha256 { get; set; } = "";
    [JsonPropertyName("target")]
    public string Target { get; set; } = "";
    [JsonPropertyName("isa")]
    public string Isa { get; set; } = "";
    [JsonPropertyName("compiler")]
    public string Compiler { get; set; } = "";
    [JsonPropertyName("opt")]
    public string Opt { get; set; } = "";
    [JsonPropertyName("compiler_version")]
    public string CompilerVersion { get; set; } = "";
    [JsonPropertyName("flags")]
    public string Flags { get; set; } = "";
    [JsonPropertyName("bytes")]
    public byte[] Bytes { get; set; } = [];
    [JsonPropertyName("size")]
    public int Size { get; set; }
    [JsonPropertyName("bytes_sha256")]
    public string BytesSha256 { get; set; } = "";
    /// <summary>JSON list of {offset, type, symbol, addend}: where the linker must patch the bytes.</summary>
    [JsonPropertyName("relocations")]
    public string Relocations { get; set; } = "[]";
    /// <summary>One instruction per line: "offset\tinstruction" (Iced for x86_64, binutils objdump otherwise).</summary>
    [JsonPropertyName("disassembly")]
    public string Disassembly { get; set; } = "";
    /// <summary>JSON I/O tests (built-in tasks), the checksum oracle (Csmith), or null.</summary>
    [JsonPropertyName("tests")]
    public string? Tests { get; set; }
}

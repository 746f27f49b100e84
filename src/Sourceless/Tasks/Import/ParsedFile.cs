using System.Text.Json;

namespace Sourceless.Tasks.Import;

/// <summary>Byte offsets [Begin, End) of a declaration in its file.</summary>
public readonly record struct Span(int Begin, int End)
{
    public bool Contains(Span other) => Begin <= other.Begin && other.End <= End;
}

/// <summary>One top-level declaration of clang's JSON AST. <see cref="InMain"/> says whether it is
/// written in the file itself (not in a header it includes); only those have a <see cref="Span"/>.</summary>
public sealed record TopDecl(string Id, string Kind, string? Name, string? File, bool InMain, Span? Span, JsonElement Node)
{
    public bool HasBody => Kind == "FunctionDecl" && Node.TryGetProperty("inner", out var inner)
        && inner.EnumerateArray().Any(c => c.GetProperty("kind").GetString() == "CompoundStmt");

    public string? StorageClass => Node.TryGetProperty("storageClass", out var s) ? s.GetString() : null;

    public string? QualType => Node.TryGetProperty("type", out var t) && t.TryGetProperty("qualType", out var q) ? q.GetString() : null;
}

/// <summary>A C file as clang's parser saw it: its bytes and its top-level declarations, in order.
/// Holds the JSON document alive (the declarations point into it): dispose when done.</summary>
public sealed class ParsedFile(string path, string displayName, byte[] bytes, JsonDocument document, IReadOnlyList<TopDecl> decls) : IDisposable
{
    public string Path => path;
    /// <summary>The path shown in reports and task origins (relative to the imported folder).</summary>
    public string DisplayName => displayName;
    public byte[] Bytes => bytes;
    public IReadOnlyList<TopDecl> Decls => decls;

    /// <summary>Standard headers included before the file to parse it (<see cref="ClangAst.Prelude"/>),
    /// or none; its ref.c includes the same.</summary>
    public IReadOnlyList<string> Prelude { get; init; } = [];

    /// <summary>Functions the file calls without declaring them.</summary>
    public IReadOnlyList<string> ImplicitFunctions { get; init; } = [];

    public string Text(Span span) => System.Text.Encoding.UTF8.GetString(bytes, span.Begin, Math.Max(0, span.End - span.Begin));

    public string AllText => System.Text.Encoding.UTF8.GetString(bytes);

    /// <summary>1-based line of a byte offset.</summary>
    public int LineOf(int offset)
    {
        int line = 1;
        for (int i = 0; i < offset && i < bytes.Length; i++) if (bytes[i] == '\n') line++;
        return line;
    }

    /// <summary>Function definitions written in this file, in file order.</summary>
    public IEnumerable<TopDecl> Definitions => decls.Where(d => d.InMain && d.HasBody && d.Name is not null);

    public void Dispose() => document.Dispose();
}

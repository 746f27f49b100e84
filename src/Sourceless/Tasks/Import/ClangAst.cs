using System.Text.Json;
using Sourceless.Sandbox;
using Sourceless.Tools;

namespace Sourceless.Tasks.Import;

/// <summary>A file clang could not parse: the reason key and clang's first error line.</summary>
public sealed class UnparsableFileException(string reason, string message) : Exception(message)
{
    public string Reason { get; } = reason;
}

/// <summary>
/// Finds declarations with a real parser: clang's JSON AST (<c>-Xclang -ast-dump=json
/// -fsyntax-only</c>), read with System.Text.Json. Only top-level nodes are kept, each marked with
/// the file it is written in. The dumper writes a location's file only when it changes from the
/// previous location, so the file of a node is the last "file" seen walking the dump in order
/// (skipping "includedFrom", which names the includer, not the location).
/// </summary>
public static class ClangAst
{
    /// <summary>Standard C headers that code written without its includes (exercise and contest
    /// files often are) takes for granted: malloc, strlen, log2, bool, NULL.</summary>
    /// <summary>Room for one file's AST dump (a file that includes stdio.h dumps some 7 MB).</summary>
    private const int MaxDumpBytes = 512 << 20;

    public static readonly IReadOnlyList<string> Prelude = ["stdlib.h", "string.h", "stdio.h", "math.h", "stdbool.h", "stddef.h", "stdint.h", "limits.h", "ctype.h"];

    /// <summary>Parses a file; when it calls functions it never declared (an implicit declaration:
    /// clang would link them from libc) or names types and macros it never included, it is parsed
    /// again with <see cref="Prelude"/> included first, and the result says so, so its ref.c
    /// includes them too. A function of the file that clashes with a prelude declaration keeps the
    /// first parse.</summary>
    public static async Task<ParsedFile> ParseWithPreludeAsync(string path, string displayName, IReadOnlyList<string> includeDirs, UntrustedBuild tools, string work, CancellationToken ct)
    {
        ParsedFile? plain = null;
        UnparsableFileException? failure = null;
        try
        {
            plain = await ParseAsync(path, displayName, includeDirs, tools, work, ct);
            if (plain.ImplicitFunctions.Count == 0) return plain;
        }
        catch (UnparsableFileException e) when (e.Reason == Reasons.ParseError)
        {
            failure = e;
        }
        try
        {
            var withPrelude = await ParseAsync(path, displayName, includeDirs, tools, work, ct, Prelude);
            plain?.Dispose();
            return withPrelude;
        }
        catch (UnparsableFileException)
        {
            if (plain is not null) return plain;
            throw failure!;
        }
        catch
        {
            plain?.Dispose();
            throw;
        }
    }

    /// <summary>Parses in the sandbox: the file is someone else's text, and the preprocessor would
    /// read any path an #include names (its error line would then quote the file). Only the file's
    /// folder and the include folders are visible, read-only.</summary>
    public static async Task<ParsedFile> ParseAsync(string path, string displayName, IReadOnlyList<string> includeDirs, UntrustedBuild tools, string work,
        CancellationToken ct, IReadOnlyList<string>? prelude = null)
    {
        var args = new List<string> { "-Xclang", "-ast-dump=json", "-fsyntax-only", "-std=gnu11", "-w", "-ferror-limit=3" };
        foreach (var h in prelude ?? []) args.AddRange(["-include", h]);
        args.AddRange(includeDirs.Select(d => "-I" + d));
        args.Add(path);
        var r = await tools.RunAsync("clang", args, work, includeDirs.Distinct().ToList(), ct, outputBytes: MaxDumpBytes);
        if (!r.Succeeded)
        {
            string first = r.StandardError.Split('\n').FirstOrDefault(l => l.Contains("error", StringComparison.Ordinal))?.Trim() ?? r.ErrorSummary(200);
            first = first.Replace(path, displayName, StringComparison.Ordinal);
            throw new UnparsableFileException(first.Contains("file not found", StringComparison.Ordinal) ? Reasons.MissingHeader : Reasons.ParseError, first);
        }
        var bytes = await File.ReadAllBytesAsync(path, ct);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(r.StandardOutput, new JsonDocumentOptions { MaxDepth = 4096 });
        }
        catch (JsonException e)
        {
            // Deeper than any real code, or cut short: the file counts as not parsed, the import goes on.
            throw new UnparsableFileException(Reasons.ParseError, $"clang's AST of the file could not be read ({e.Message.Split('.')[0]})");
        }
        try
        {
            return new ParsedFile(path, displayName, bytes, doc, TopLevel(doc.RootElement, path))
            {
                Prelude = prelude ?? [],
                ImplicitFunctions = ImplicitFunctions(doc.RootElement),
            };
        }
        catch
        {
            doc.Dispose();
            throw;
        }
    }

    /// <summary>The top-level declarations of a TranslationUnitDecl, each with its file.</summary>
    public static IReadOnlyList<TopDecl> TopLevel(JsonElement unit, string mainPath)
    {
        var result = new List<TopDecl>();
        string? current = null;
        if (!unit.TryGetProperty("inner", out var inner)) return result;
        foreach (var node in inner.EnumerateArray())
        {
            if (node.TryGetProperty("loc", out var loc)) Track(loc, ref current);
            string? file = current;
            bool inMain = file == mainPath && !IsIncluded(loc);
            Span? span = null;
            if (node.TryGetProperty("range", out var range))
            {
                Track(range, ref current);
                if (inMain && Offset(range, "begin") is { } b && Offset(range, "end", withToken: true) is { } e && e >= b) span = new Span(b, e);
            }
            if (node.TryGetProperty("inner", out var children)) Track(children, ref current);
            bool implicitDecl = node.TryGetProperty("isImplicit", out var imp) && imp.GetBoolean();
            if (implicitDecl) continue;
            result.Add(new TopDecl(node.GetProperty("id").GetString()!, node.GetProperty("kind").GetString()!,
                node.TryGetProperty("name", out var n) ? n.GetString() : null, file, inMain && span is not null, span, node));
        }
        return result;
    }

    /// <summary>Functions called without a declaration: clang adds an implicit FunctionDecl for each.</summary>
    private static IReadOnlyList<string> ImplicitFunctions(JsonElement unit) =>
        !unit.TryGetProperty("inner", out var inner) ? [] :
        inner.EnumerateArray().Where(n => n.GetProperty("kind").GetString() == "FunctionDecl"
                && n.TryGetProperty("isImplicit", out var imp) && imp.GetBoolean()
                && n.TryGetProperty("name", out var name) && !(name.GetString() ?? "").StartsWith("__", StringComparison.Ordinal))
            .Select(n => n.GetProperty("name").GetString()!).ToList();

    private static bool IsIncluded(JsonElement loc) =>
        loc.ValueKind == JsonValueKind.Object && (loc.TryGetProperty("includedFrom", out _)
            || (loc.TryGetProperty("expansionLoc", out var ex) && ex.TryGetProperty("includedFrom", out _)));

    /// <summary>A range end's offset, past its last token; a macro-expanded location counts where it
    /// was expanded.</summary>
    private static int? Offset(JsonElement range, string which, bool withToken = false)
    {
        if (!range.TryGetProperty(which, out var loc)) return null;
        if (loc.TryGetProperty("expansionLoc", out var ex)) loc = ex;
        if (!loc.TryGetProperty("offset", out var off)) return null;
        int o = off.GetInt32();
        if (withToken && loc.TryGetProperty("tokLen", out var len)) o += len.GetInt32();
        return o;
    }

    private static void Track(JsonElement e, ref string? current)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject())
                {
                    if (p.NameEquals("includedFrom")) continue;
                    if (p.NameEquals("file") && p.Value.ValueKind == JsonValueKind.String) current = p.Value.GetString();
                    else if (p.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array) Track(p.Value, ref current);
                }
                break;
            case JsonValueKind.Array:
                foreach (var x in e.EnumerateArray()) Track(x, ref current);
                break;
        }
    }
}

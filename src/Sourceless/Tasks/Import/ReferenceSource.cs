using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Sourceless.Tasks.Import;

/// <summary>A function that cannot stand alone: it calls into another file or uses writable data.</summary>
public sealed class DependencyException(string reason, string message) : Exception(message)
{
    public string Reason { get; } = reason;
}

/// <summary>
/// Writes a function's ref.c so it compiles alone: <c>#include "task.h"</c>, the file's system
/// includes, the macros, typedefs, structs, enums and constant tables it uses, and the static
/// helpers it calls (followed through the AST's references, transitively). Calls into libc are
/// allowed (declared in a system header); a call to anything else not defined in this file, and
/// any use of writable global data (the bare-bytes contract has no writable data section), reject
/// the function with that reason.
/// </summary>
public static partial class ReferenceSource
{
    public static string Build(ParsedFile file, TopDecl function, FunctionShape shape)
    {
        var definitions = file.Definitions.GroupBy(d => d.Name!).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var byId = file.Decls.GroupBy(d => d.Id).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var functions = new List<TopDecl> { function };
        var constants = new List<TopDecl>();
        var queue = new Queue<TopDecl>([function]);
        while (queue.Count > 0)
        {
            var f = queue.Dequeue();
            foreach (var (id, kind, name) in References(f.Node))
            {
                if (kind == "FunctionDecl")
                {
                    if (definitions.TryGetValue(name, out var def))
                    {
                        if (!functions.Contains(def)) { functions.Add(def); queue.Enqueue(def); }
                        continue;
                    }
                    if (name.StartsWith("__builtin", StringComparison.Ordinal)) continue;
                    var decl = byId.GetValueOrDefault(id);
                    if (decl is null || !IsSystemHeader(decl.File))
                        throw new DependencyException(Reasons.CallsOtherFile, $"calls '{name}', which is defined in another file");
                }
                else if (kind == "VarDecl" && byId.TryGetValue(id, out var global))
                {
                    if (!IsConstant(global))
                        throw new DependencyException(Reasons.WritableData, $"uses the writable global '{name}' (the bare-bytes contract has no writable data)");
                    if (!global.InMain) throw new DependencyException(Reasons.CallsOtherFile, $"uses '{name}', which is defined in another file");
                    if (!constants.Contains(global)) constants.Add(global);
                }
            }
            if (StaticLocal(f.Node) is { } local)
                throw new DependencyException(Reasons.WritableData, $"{(f == function ? "has" : $"calls '{f.Name}', which has")} the static local '{local}' (writable data the bare-bytes contract has no room for)");
        }

        // Types and macros: what the chosen text names, to a fixed point (a typedef names a struct,
        // a macro names a constant).
        var moved = shape.Structs.ToDictionary(s => s.RecordId, StringComparer.Ordinal);
        var movedTypedefs = shape.Structs.Where(s => s.TypedefId is not null).ToDictionary(s => s.TypedefId!, StringComparer.Ordinal);
        var typeDecls = file.Decls.Where(d => d.InMain && d.Kind is "TypedefDecl" or "RecordDecl" or "EnumDecl" && !moved.ContainsKey(d.Id)).ToList();
        var macros = Macros(file.AllText);
        var chosenTypes = new HashSet<TopDecl>();
        var chosenMacros = new HashSet<int>();
        string text = string.Join('\n', functions.Concat(constants).Select(d => file.Text(d.Span!.Value)));
        var names = Identifiers(text);
        bool grew = true;
        while (grew)
        {
            grew = false;
            foreach (var t in typeDecls)
            {
                if (chosenTypes.Contains(t) || !DeclaredNames(t).Any(names.Contains)) continue;
                chosenTypes.Add(t);
                names.UnionWith(Identifiers(file.Text(t.Span!.Value)));
                grew = true;
            }
            for (int i = 0; i < macros.Count; i++)
            {
                if (chosenMacros.Contains(i) || !names.Contains(macros[i].Name)) continue;
                chosenMacros.Add(i);
                names.UnionWith(Identifiers(macros[i].Text));
                grew = true;
            }
        }

        var sb = new StringBuilder();
        sb.AppendLine("#include \"task.h\"");
        foreach (var inc in file.Prelude.Select(h => $"#include <{h}>").Concat(SystemIncludes(file.AllText)).Distinct()) sb.AppendLine(inc);
        foreach (int i in chosenMacros.Order()) sb.AppendLine(macros[i].Text);
        // In file order, skipping what an earlier chosen declaration already covers
        // (typedef struct {...} T; holds a RecordDecl inside its own range).
        var ordered = chosenTypes.Concat(constants).Concat(functions).Distinct().OrderBy(d => d.Span!.Value.Begin).ThenByDescending(d => d.Span!.Value.End).ToList();
        var emitted = new List<Span>();
        // Prototypes first: helpers may be defined after their caller.
        foreach (var f in functions.Where(f => f != function).OrderBy(f => f.Span!.Value.Begin))
            sb.AppendLine(Prototype(file, f) + ";");
        foreach (var d in ordered)
        {
            var span = d.Span!.Value;
            if (emitted.Any(e => e.Contains(span))) continue;
            if (movedTypedefs.TryGetValue(d.Id, out var ms))
            {
                // The struct itself lives in task.h now; keep the typedef's name for it.
                sb.AppendLine($"typedef struct {ms.Name} {ms.TypedefName};");
                emitted.Add(span);
                continue;
            }
            if (moved.Values.Any(m => span.Contains(file.Decls.First(x => x.Id == m.RecordId).Span!.Value)))
                continue; // a declaration that would define a moved struct again
            string body = file.Text(span);
            if (d == function) body = StripStorage(body);
            sb.AppendLine(d.Kind == "FunctionDecl" ? body : body + ";");
            emitted.Add(span);
        }
        return sb.ToString();
    }

    /// <summary>The function's own leading comment, if one ends right before it (blank lines allowed).</summary>
    public static string? LeadingComment(ParsedFile file, TopDecl function)
    {
        int begin = function.Span!.Value.Begin;
        string before = Encoding.UTF8.GetString(file.Bytes, 0, begin).TrimEnd();
        if (before.EndsWith("*/", StringComparison.Ordinal))
        {
            int open = before.LastIndexOf("/*", StringComparison.Ordinal);
            if (open < 0) return null;
            return Clean(before[(open + 2)..^2]);
        }
        var lines = before.Split('\n');
        var comment = new List<string>();
        for (int i = lines.Length - 1; i >= 0 && lines[i].TrimStart().StartsWith("//", StringComparison.Ordinal); i--)
            comment.Insert(0, lines[i].TrimStart()[2..].TrimStart('/'));
        return comment.Count > 0 ? Clean(string.Join('\n', comment)) : null;
    }

    private static string? Clean(string comment)
    {
        var lines = comment.Split('\n').Select(l => l.Trim().TrimStart('*').Trim()).Where(l => l.Length > 0 && !l.All(c => c is '*' or '-' or '=' or '/')).ToList();
        string text = string.Join('\n', lines).Trim();
        return text.Length >= 8 ? text : null;
    }

    private static string Prototype(ParsedFile file, TopDecl f)
    {
        string text = file.Text(f.Span!.Value);
        int brace = BodyStart(f);
        return brace > f.Span!.Value.Begin ? file.Text(new Span(f.Span.Value.Begin, brace)).TrimEnd() : text;
    }

    private static int BodyStart(TopDecl f)
    {
        foreach (var c in f.Node.GetProperty("inner").EnumerateArray())
            if (c.GetProperty("kind").GetString() == "CompoundStmt" && c.TryGetProperty("range", out var r) && r.GetProperty("begin").TryGetProperty("offset", out var o))
                return o.GetInt32();
        return -1;
    }

    /// <summary>task.h declares the function with external linkage; the definition must agree.</summary>
    private static string StripStorage(string text) => LeadingStorage().Replace(text, "");

    private static bool IsSystemHeader(string? file) => file is not null && (file.StartsWith("/usr/", StringComparison.Ordinal) || file.StartsWith("/lib/", StringComparison.Ordinal));

    /// <summary>A global the program cannot write: its type is const at the top level.</summary>
    private static bool IsConstant(TopDecl v)
    {
        string q = v.QualType ?? "";
        int bracket = q.IndexOf('[', StringComparison.Ordinal);
        string element = bracket >= 0 ? q[..bracket].Trim() : q;
        // "const int[4]", "const char *const[3]" are constant; "const char *[3]" is an array of writable pointers.
        return element.EndsWith("const", StringComparison.Ordinal) || (element.StartsWith("const ", StringComparison.Ordinal) && !element.Contains('*'));
    }

    private static IEnumerable<(string Id, string Kind, string Name)> References(JsonElement node)
    {
        var stack = new Stack<JsonElement>([node]);
        while (stack.Count > 0)
        {
            var e = stack.Pop();
            if (e.ValueKind == JsonValueKind.Array) { foreach (var x in e.EnumerateArray()) stack.Push(x); continue; }
            if (e.ValueKind != JsonValueKind.Object) continue;
            if (e.TryGetProperty("referencedDecl", out var r) && r.TryGetProperty("id", out var id) && r.TryGetProperty("kind", out var k) && r.TryGetProperty("name", out var n))
                yield return (id.GetString()!, k.GetString()!, n.GetString()!);
            if (e.TryGetProperty("inner", out var inner)) stack.Push(inner);
        }
    }

    /// <summary>The name of a writable static local, if the function has one.</summary>
    private static string? StaticLocal(JsonElement function)
    {
        var stack = new Stack<JsonElement>([function.GetProperty("inner")]);
        while (stack.Count > 0)
        {
            var e = stack.Pop();
            if (e.ValueKind == JsonValueKind.Array) { foreach (var x in e.EnumerateArray()) stack.Push(x); continue; }
            if (e.ValueKind != JsonValueKind.Object) continue;
            if (e.TryGetProperty("kind", out var k) && k.GetString() == "VarDecl" && e.TryGetProperty("storageClass", out var sc) && sc.GetString() == "static")
            {
                var decl = new TopDecl("", "VarDecl", null, null, false, null, e);
                if (!IsConstant(decl)) return e.TryGetProperty("name", out var n) ? n.GetString() : "?";
            }
            if (e.TryGetProperty("inner", out var inner)) stack.Push(inner);
        }
        return null;
    }

    private static IEnumerable<string> DeclaredNames(TopDecl d)
    {
        if (d.Name is not null) yield return d.Name;
        if (d.Kind == "EnumDecl" && d.Node.TryGetProperty("inner", out var inner))
            foreach (var c in inner.EnumerateArray())
                if (c.TryGetProperty("name", out var n) && n.GetString() is { } s) yield return s;
    }

    private static HashSet<string> Identifiers(string text) => IdentifierRegex().Matches(text).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);

    private sealed record Macro(string Name, string Text);

    /// <summary>#define lines (with their continuations). The AST has no macros, so these come from
    /// the preprocessor lines themselves; each is kept only when the chosen text names it.</summary>
    private static List<Macro> Macros(string text)
    {
        var result = new List<Macro>();
        var lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var m = DefineRegex().Match(lines[i]);
            if (!m.Success) continue;
            var sb = new StringBuilder(lines[i].TrimEnd('\r'));
            while (sb.Length > 0 && sb[^1] == '\\' && i + 1 < lines.Length) sb.Append('\n').Append(lines[++i].TrimEnd('\r'));
            result.Add(new Macro(m.Groups[1].Value, sb.ToString()));
        }
        return result;
    }

    /// <summary>The file's #include &lt;...&gt; lines (libc); quoted includes (the project's own
    /// headers) are left out: a function that needs them does not compile alone and is rejected.</summary>
    private static IEnumerable<string> SystemIncludes(string text) =>
        text.Split('\n').Select(l => SystemIncludeRegex().Match(l)).Where(m => m.Success && !m.Groups[1].Value.Contains("..", StringComparison.Ordinal) && !m.Groups[1].Value.StartsWith('/'))
            .Select(m => $"#include <{m.Groups[1].Value}>").Distinct();

    [GeneratedRegex(@"^\s*#\s*define\s+([A-Za-z_]\w*)")]
    private static partial Regex DefineRegex();

    [GeneratedRegex(@"^\s*#\s*include\s*<([^>]+)>")]
    private static partial Regex SystemIncludeRegex();

    [GeneratedRegex(@"[A-Za-z_]\w*")]
    private static partial Regex IdentifierRegex();

    [GeneratedRegex(@"^(\s*(static|inline|__inline__|__inline|extern)\b)+\s*")]
    private static partial Regex LeadingStorage();
}

using System.Text.Json;

namespace Sourceless.Tasks.Import;

/// <summary>
/// Maps a function's parameter and return types, as clang spells them, onto the task format
/// (docs/task-format.md): integer scalars, structs of integer scalars, one level of pointer, void.
/// Typedefs are followed to what they name (the prototype in task.h uses the canonical type,
/// which is compatible with the function's own spelling); a struct must be defined in the file,
/// since task.h will hold its definition.
/// </summary>
public sealed class TypeMapper(ParsedFile file)
{
    private readonly Dictionary<string, MovedStruct> _structs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StructType> _types = new(StringComparer.Ordinal);
    private readonly List<string> _typeText = [];

    public FunctionShape Map(TopDecl function)
    {
        string name = function.Name!;
        if (function.Node.TryGetProperty("variadic", out var v) && v.GetBoolean())
            throw new ShapeException(Reasons.Variadic, "takes a variable argument list");
        string qual = function.QualType ?? throw new ShapeException(Reasons.UnsupportedType, "no type in the AST");
        string ret = ReturnOf(qual);
        var parts = new List<string>();
        if (function.Node.TryGetProperty("inner", out var inner))
            foreach (var p in inner.EnumerateArray().Where(c => c.GetProperty("kind").GetString() == "ParmVarDecl"))
            {
                string? pname = p.TryGetProperty("name", out var pn) ? pn.GetString() : null;
                if (string.IsNullOrEmpty(pname)) throw new ShapeException(Reasons.UnsupportedType, "has an unnamed parameter");
                string ptype = p.GetProperty("type").GetProperty("qualType").GetString()!;
                parts.Add(Spell(ptype, pname, isReturn: false));
            }
        string retText = ret == "void" ? "void" : Spell(ret, "", isReturn: true).TrimEnd();
        string text = $"{retText} {name}({(parts.Count == 0 ? "void" : string.Join(", ", parts))})";
        Signature sig;
        try
        {
            sig = Signature.Parse(text, _types);
        }
        catch (FormatException e)
        {
            throw new ShapeException(Reasons.UnsupportedType, e.Message);
        }
        if (sig.Return is VoidType && !sig.MutableParameters.Any())
            throw new ShapeException(Reasons.NothingObservable, "returns nothing and takes no pointer it could change: a test has nothing to observe");
        return new FunctionShape(sig, string.Join('\n', _typeText), _structs.Values.ToList());
    }

    /// <summary>"int *(const char *, int)" -> "int *": everything before the outermost parameter list.</summary>
    private static string ReturnOf(string functionType)
    {
        int depth = 0;
        for (int i = functionType.Length - 1; i >= 0; i--)
        {
            if (functionType[i] == ')') depth++;
            else if (functionType[i] == '(' && --depth == 0) return functionType[..i].Trim();
        }
        throw new ShapeException(Reasons.UnsupportedType, $"cannot read the function type '{functionType}'");
    }

    private string Spell(string type, string name, bool isReturn)
    {
        string t = type.Replace("restrict", " ", StringComparison.Ordinal).Replace("__restrict", " ", StringComparison.Ordinal)
            .Replace("volatile", " ", StringComparison.Ordinal).Trim();
        if (t.Contains('(') || t.Contains('[')) throw new ShapeException(Reasons.UnsupportedType, $"'{type}' (function pointers and arrays of arrays are outside the task format)");
        int stars = t.Count(c => c == '*');
        if (stars > 1) throw new ShapeException(Reasons.UnsupportedType, $"'{type}' (pointers to pointers are outside the task format)");
        if (stars == 1)
        {
            if (isReturn) throw new ShapeException(Reasons.UnsupportedType, $"returns a pointer ('{type}')");
            string baseText = t[..t.IndexOf('*')].Trim();
            bool isConst = Words(baseText).Contains("const");
            string resolved = Resolve(baseText, type);
            return $"{(isConst ? "const " : "")}{resolved} *{name}";
        }
        return $"{Resolve(t, type)} {name}";
    }

    private static List<string> Words(string s) => s.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();

    /// <summary>A non-pointer type to its task-format spelling: a scalar's name or "struct N".</summary>
    private string Resolve(string text, string original, int depth = 0)
    {
        if (depth > 8) throw new ShapeException(Reasons.UnsupportedType, $"'{original}' (typedef chain too long)");
        var words = Words(text).Where(w => w != "const").ToList();
        string plain = string.Join(' ', words);
        if (plain == "_Bool") plain = "bool";
        if (plain is "long int") plain = "long";
        if (plain is "unsigned long int") plain = "unsigned long";
        if (plain is "short int") plain = "short";
        if (plain is "long long int") plain = "long long";
        if (ScalarType.Lookup(plain) is { } scalar) return scalar.Name;
        if (plain is "float" or "double" or "long double")
            throw new ShapeException(Reasons.UnsupportedType, $"'{original}' (floating point is outside the task format)");
        if (plain == "void") throw new ShapeException(Reasons.UnsupportedType, $"'{original}' (void pointers are outside the task format)");
        if (words.Count == 2 && words[0] == "struct") return "struct " + Struct(words[1], original);
        if (words.Count >= 1 && words[0] is "enum" or "union")
            throw new ShapeException(Reasons.UnsupportedType, $"'{original}' ({words[0]}s are outside the task format)");
        if (words.Count == 1)
        {
            var typedef = file.Decls.LastOrDefault(d => d.Kind == "TypedefDecl" && d.Name == plain);
            if (typedef is not null && typedef.QualType is { } under)
            {
                // A typedef of an anonymous struct prints as "struct T": the struct takes the typedef's name.
                return Resolve(under, original, depth + 1);
            }
        }
        throw new ShapeException(Reasons.UnsupportedType, $"'{original}' is not a type of the task format");
    }

    private string Struct(string name, string original)
    {
        if (_structs.ContainsKey(name)) return name;
        var record = file.Decls.FirstOrDefault(d => d.InMain && d.Kind == "RecordDecl" && d.Name == name && IsDefinition(d));
        TopDecl? typedef = null;
        if (record is null)
        {
            // typedef struct { ... } name;  The record has no name of its own.
            typedef = file.Decls.FirstOrDefault(d => d.InMain && d.Kind == "TypedefDecl" && d.Name == name);
            if (typedef?.Span is { } ts)
                record = file.Decls.FirstOrDefault(d => d.InMain && d.Kind == "RecordDecl" && d.Name is null && IsDefinition(d) && ts.Contains(d.Span!.Value));
        }
        if (record is null) throw new ShapeException(Reasons.UnsupportedType, $"'{original}' (struct {name} is not defined in this file)");
        if (record.Node.TryGetProperty("tagUsed", out var tag) && tag.GetString() != "struct")
            throw new ShapeException(Reasons.UnsupportedType, $"'{original}' (unions are outside the task format)");
        typedef ??= file.Decls.FirstOrDefault(d => d.InMain && d.Kind == "TypedefDecl" && d.Span is { } s && s.Contains(record.Span!.Value));
        var fields = new List<string>();
        var structFields = new List<StructField>();
        foreach (var f in record.Node.GetProperty("inner").EnumerateArray())
        {
            if (f.GetProperty("kind").GetString() != "FieldDecl") continue;
            if (f.TryGetProperty("isBitfield", out var bf) && bf.GetBoolean())
                throw new ShapeException(Reasons.UnsupportedType, $"struct {name} has a bit-field");
            string fname = f.TryGetProperty("name", out var fn) ? fn.GetString() ?? "" : "";
            string ftype = f.GetProperty("type").GetProperty("qualType").GetString()!;
            if (fname.Length == 0 || ftype.Contains('*') || ftype.Contains('['))
                throw new ShapeException(Reasons.UnsupportedType, $"struct {name}: field '{fname}' ({ftype}) is not an integer scalar");
            string resolved;
            try { resolved = Resolve(ftype, ftype); }
            catch (ShapeException) { throw new ShapeException(Reasons.UnsupportedType, $"struct {name}: field '{fname}' ({ftype}) is not an integer scalar"); }
            if (resolved.StartsWith("struct ", StringComparison.Ordinal))
                throw new ShapeException(Reasons.UnsupportedType, $"struct {name}: field '{fname}' is a struct (only scalars)");
            fields.Add($"{resolved} {fname};");
            structFields.Add(new StructField(fname, ScalarType.Lookup(resolved)!));
        }
        if (fields.Count == 0) throw new ShapeException(Reasons.UnsupportedType, $"struct {name} has no fields");
        _typeText.Add($"struct {name} {{ {string.Join(' ', fields)} }};");
        _types[name] = new StructType(name, structFields);
        _structs[name] = new MovedStruct(name, record.Id, typedef?.Id, typedef?.Name);
        return name;
    }

    private static bool IsDefinition(TopDecl d) => d.Node.TryGetProperty("completeDefinition", out var c) && c.GetBoolean();
}

using System.Text.RegularExpressions;

namespace Sourceless.Tasks;

/// <summary>A task function's C signature, parsed from the restricted grammar of task files.</summary>
public sealed partial record Signature(string Name, CType Return, IReadOnlyList<Parameter> Parameters)
{
    /// <summary>Parameters whose pointed-to memory the function may change: printed after the
    /// call, after the return value, in parameter order.</summary>
    public IEnumerable<Parameter> MutableParameters => Parameters.Where(p => p.Type is PointerType { Const: false });

    public string Declaration =>
        $"{Return.CName} {Name}({(Parameters.Count == 0 ? "void" : string.Join(", ", Parameters.Select(p => Spell(p.Type, p.Name))))})";

    public string PointerTypedef(string typedefName) =>
        $"typedef {Return.CName} (*{typedefName})({(Parameters.Count == 0 ? "void" : string.Join(", ", Parameters.Select(p => p.Type.CName)))});";

    private static string Spell(CType type, string name) =>
        type is PointerType ? type.CName + name : type.CName + " " + name;

    public static Signature Parse(string text, IReadOnlyDictionary<string, StructType> structs)
    {
        var m = SignatureRegex().Match(text.Trim().TrimEnd(';'));
        if (!m.Success) throw new FormatException($"not a C function signature: {text}");
        var (returnType, name) = SplitDeclarator(m.Groups["head"].Value, structs, allowVoid: true);
        var parameters = new List<Parameter>();
        string list = m.Groups["params"].Value.Trim();
        if (list.Length > 0 && list != "void")
        {
            foreach (var part in list.Split(','))
            {
                var (type, pname) = SplitDeclarator(part, structs, allowVoid: false);
                if (parameters.Any(p => p.Name == pname)) throw new FormatException($"parameter '{pname}' appears twice in: {text}");
                parameters.Add(new Parameter(pname, type));
            }
        }
        return new Signature(name, returnType, parameters);
    }

    /// <summary>"const struct point *p" -> (pointer to const struct point, "p").</summary>
    private static (CType Type, string Name) SplitDeclarator(string text, IReadOnlyDictionary<string, StructType> structs, bool allowVoid)
    {
        var spaced = text.Replace("*", " * ");
        var words = spaced.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (words.Count < 2) throw new FormatException($"a declaration needs a type and a name: '{text.Trim()}'");
        string name = words[^1];
        if (!IdentifierRegex().IsMatch(name)) throw new FormatException($"'{name}' is not a C identifier in '{text.Trim()}'");
        words.RemoveAt(words.Count - 1);
        int stars = words.Count(w => w == "*");
        if (stars > 1) throw new FormatException($"only single pointers are supported: '{text.Trim()}'");
        bool isConst = words.Remove("const");
        var baseWords = words.Where(w => w != "*").ToList();
        string baseName = string.Join(' ', baseWords);
        CType baseType;
        if (baseName == "void")
        {
            if (!allowVoid || stars > 0) throw new FormatException($"void is only allowed as a return type: '{text.Trim()}'");
            baseType = VoidType.Instance;
        }
        else if (baseWords.Count == 2 && baseWords[0] == "struct")
        {
            baseType = structs.TryGetValue(baseWords[1], out var st)
                ? st : throw new FormatException($"struct {baseWords[1]} is not declared in the task's types");
        }
        else
        {
            baseType = ScalarType.Lookup(baseName) ?? throw new FormatException($"unsupported type '{baseName}' in '{text.Trim()}'");
        }
        if (stars == 1) return (new PointerType(baseType, isConst), name);
        return (baseType, name);
    }

    /// <summary>Parses "struct name { type field; ... };" blocks with scalar fields.</summary>
    public static Dictionary<string, StructType> ParseStructs(string types)
    {
        var result = new Dictionary<string, StructType>();
        foreach (Match m in StructRegex().Matches(types))
        {
            string sname = m.Groups["name"].Value;
            var fields = new List<StructField>();
            foreach (var decl in m.Groups["body"].Value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var words = decl.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (words.Length < 2) throw new FormatException($"bad field '{decl}' in struct {sname}");
                var ftype = ScalarType.Lookup(string.Join(' ', words[..^1]))
                    ?? throw new FormatException($"struct {sname}: field '{decl}' must have a scalar integer type");
                fields.Add(new StructField(words[^1], ftype));
            }
            if (fields.Count == 0) throw new FormatException($"struct {sname} has no fields");
            result[sname] = new StructType(sname, fields);
        }
        return result;
    }

    [GeneratedRegex(@"^(?<head>[^()]+)\((?<params>[^()]*)\)$")]
    private static partial Regex SignatureRegex();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex IdentifierRegex();

    [GeneratedRegex(@"struct\s+(?<name>[A-Za-z_][A-Za-z0-9_]*)\s*\{(?<body>[^}]*)\}\s*;")]
    private static partial Regex StructRegex();
}

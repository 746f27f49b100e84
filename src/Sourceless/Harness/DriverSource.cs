using System.Globalization;
using System.Text;
using Sourceless.Tasks;
using Sourceless.Values;

namespace Sourceless.Harness;

/// <summary>
/// Generates a task's trusted driver in C: each test case becomes a function that builds its
/// arguments from C initializers (inputs on the heap at their exact size), calls the function
/// under test through a pointer of the task's exact C type (so the real compiler applies the
/// target's calling convention), and prints the observables in canonical form.
/// </summary>
public static class DriverSource
{
    public static string Generate(TaskDefinition task, IReadOnlyList<TestCase> cases, ImportTable imports)
    {
        var sig = task.Signature;
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"/* Sourceless driver for task {task.Name}: generated, do not edit. */");
        // Before any system header (task.h includes some): the GNU names of the import table.
        sb.AppendLine("#define _GNU_SOURCE");
        sb.AppendLine("#include \"task.h\"");
        sb.AppendLine("#include \"sl_runtime.h\"");
        sb.AppendLine(sig.PointerTypedef("sl_fn_t"));
        sb.AppendLine("static sl_fn_t F;");
        sb.AppendLine("static void sl_bind(void *p) { F = (sl_fn_t)p; }");
        sb.Append(imports.CArray("sl_imports"));
        foreach (var c in cases) WriteCase(sb, task, c);
        sb.AppendLine("static const sl_case_fn sl_cases[] = {");
        sb.AppendLine(cases.Count == 0 ? "    0" : string.Join(",\n", cases.Select(c => $"    sl_case_{c.Index}")));
        sb.AppendLine("};");
        sb.AppendLine("int main(int argc, char **argv)");
        sb.AppendLine("{");
        sb.AppendLine("#ifdef SL_LINKED");
        sb.AppendLine(CultureInfo.InvariantCulture, $"    void *linked = (void *)&{sig.Name};");
        sb.AppendLine("#else");
        sb.AppendLine("    void *linked = 0;");
        sb.AppendLine("#endif");
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"    return sl_main(argc, argv, sl_cases, {cases.Count}, sl_imports, (int)(sizeof sl_imports / sizeof sl_imports[0]), sl_bind, linked);");
        sb.AppendLine("}");
        return sb.ToString();
    }

    private static void WriteCase(StringBuilder sb, TaskDefinition task, TestCase c)
    {
        var sig = task.Signature;
        sb.AppendLine(CultureInfo.InvariantCulture, $"static void sl_case_{c.Index}(void)");
        sb.AppendLine("{");
        var lengths = new Dictionary<int, int>();
        for (int i = 0; i < sig.Parameters.Count; i++)
        {
            var p = sig.Parameters[i];
            var v = c.Arguments[i];
            sb.Append("    ").AppendLine(Declare(task, p.Type, $"a{i}", v, out int length));
            lengths[i] = length;
        }
        string call = $"F({string.Join(", ", Enumerable.Range(0, sig.Parameters.Count).Select(i => $"a{i}"))})";
        bool hasReturn = sig.Return is not VoidType;
        sb.AppendLine(hasReturn ? $"    {sig.Return.CName} r = {call};" : $"    {call};");
        sb.AppendLine(CultureInfo.InvariantCulture, $"    sl_begin({c.Index});");
        bool first = true;
        if (hasReturn) { Print(sb, sig.Return, "r", 0, task.BufferSize); first = false; }
        for (int i = 0; i < sig.Parameters.Count; i++)
        {
            if (sig.Parameters[i].Type is not PointerType { Const: false } pt) continue;
            if (!first) sb.AppendLine("    sl_sep();");
            first = false;
            Print(sb, pt, $"a{i}", lengths[i], task.BufferSize);
        }
        sb.AppendLine("    sl_end();");
        sb.AppendLine("}");
    }

    /// <summary>Declares one argument. For pointers, <paramref name="length"/> is the element
    /// count (-1 for a single pointed-to struct).</summary>
    private static string Declare(TaskDefinition task, CType type, string name, Value value, out int length)
    {
        length = -1;
        switch (type, value)
        {
            case (ScalarType s, IntValue i):
                return $"{s.CName} {name} = {CLiteral.Integer(i.Number, s)};";
            case (StructType st, StructValue sv):
                return $"{st.CName} {name} = {CLiteral.Struct(sv, st)};";
            case (PointerType { IsInputString: true }, StrValue str):
                return $"const char *{name} = (const char *)sl_dup({CLiteral.String(str.Bytes)}, {str.Bytes.Length + 1});";
            case (PointerType { IsStringBuffer: true }, StrValue str):
                if (str.Bytes.Length >= task.BufferSize) throw new FormatException($"initial buffer content is longer than buffer size {task.BufferSize}");
                return $"char *{name} = sl_buffer({CLiteral.String(str.Bytes)}, {task.BufferSize});";
            case (PointerType { Target: ScalarType es } p, StrValue bytes):
                length = bytes.Bytes.Length;
                return Array(p, es.CName, name, bytes.Bytes.Select(b => CLiteral.Integer(b, es)).ToList());
            case (PointerType p, ArrayValue arr):
                length = arr.Items.Count;
                return Array(p, p.Target.CName, name, arr.Items.Select(x => CLiteral.Element(x, p.Target)).ToList());
            case (PointerType { Target: StructType st } p, StructValue sv):
                return $"{p.CName}{name} = ({p.CName})sl_dup(&(const {st.CName}){CLiteral.Struct(sv, st)}, sizeof({st.CName}));";
            default:
                throw new FormatException($"argument {ValueText.Describe(value)} does not fit parameter type {type.CName}");
        }
    }

    private static string Array(PointerType p, string elem, string name, IReadOnlyList<string> items) =>
        items.Count == 0
            ? $"{p.CName}{name} = ({p.CName})sl_dup(0, 0);"
            : $"{p.CName}{name} = ({p.CName})sl_dup((const {elem}[]){{{string.Join(", ", items)}}}, sizeof({elem}) * {items.Count});";

    private static void Print(StringBuilder sb, CType type, string expr, int length, int bufferSize)
    {
        switch (type)
        {
            case ScalarType { Signed: true } s when s.Name != "bool":
                sb.AppendLine(CultureInfo.InvariantCulture, $"    sl_pi((long long)({expr}));");
                break;
            case ScalarType:
                sb.AppendLine(CultureInfo.InvariantCulture, $"    sl_pu((unsigned long long)({expr}));");
                break;
            case StructType st:
                sb.AppendLine("    sl_put(\"{\");");
                for (int f = 0; f < st.Fields.Count; f++)
                {
                    if (f > 0) sb.AppendLine("    sl_sep();");
                    Print(sb, st.Fields[f].Type, $"({expr}).{st.Fields[f].Name}", 0, bufferSize);
                }
                sb.AppendLine("    sl_put(\"}\");");
                break;
            case PointerType { IsStringBuffer: true }:
                sb.AppendLine(CultureInfo.InvariantCulture, $"    sl_ps({expr}, {bufferSize});");
                break;
            case PointerType p when length < 0:
                Print(sb, p.Target, $"(*{expr})", 0, bufferSize);
                break;
            case PointerType p:
                sb.AppendLine("    sl_put(\"[\");");
                sb.AppendLine(CultureInfo.InvariantCulture, $"    for (size_t k = 0; k < {length}; k++) {{");
                sb.AppendLine("    if (k) sl_sep();");
                Print(sb, p.Target, $"{expr}[k]", 0, bufferSize);
                sb.AppendLine("    }");
                sb.AppendLine("    sl_put(\"]\");");
                break;
            default:
                throw new FormatException($"cannot print {type.CName}");
        }
    }
}

using System.Globalization;
using Sourceless.Values;

namespace Sourceless.Tasks;

/// <summary>
/// Reads a task folder (docs/task-format.md): task.txt holds "key: value" lines and indented
/// blocks; ref.c, v2.c and an optional vuln.c hold the C sources. Every error names the file and
/// the line, so a broken task is fixed in one look.
/// </summary>
public static class TaskFile
{
    public const string FileName = "task.txt";

    private static int ParseBuffer(string text, string path, int line) =>
        int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1 && n <= BufferSize.Max ? n
            : throw new TaskFormatException(path, line, $"buffer: must be a whole number of bytes from 1 to {BufferSize.Max}, not '{text.Trim()}'");

    private static readonly HashSet<string> KnownKeys =
    [
        "name", "category", "summary", "signature", "types", "uses", "buffer", "spec", "tests", "random",
        "change", "change-tests", "change-random", "vulnerability", "exploit", "origin", "spec-from",
    ];

    public static TaskDefinition Load(string folder)
    {
        string path = Path.Combine(folder, FileName);
        if (!File.Exists(path)) throw new TaskFormatException(path, 0, "missing task.txt");
        var fields = ReadFields(path);
        string Get(string key) => fields.TryGetValue(key, out var v) ? v.Text : throw new TaskFormatException(path, 0, $"missing '{key}:'");
        string Opt(string key) => fields.TryGetValue(key, out var v) ? v.Text : "";
        int LineOf(string key) => fields.TryGetValue(key, out var v) ? v.Line : 0;

        string name = Get("name");
        if (name != Path.GetFileName(Path.GetFullPath(folder).TrimEnd('/')))
            throw new TaskFormatException(path, LineOf("name"), $"name '{name}' must equal the folder name");
        try
        {
            string types = Opt("types");
            // The types go verbatim into task.h, which trusted drivers are built from on the host:
            // an imported task's types may hold declarations only, nothing that reads a file.
            if (fields.ContainsKey("origin") && (types.Contains('#') || System.Text.RegularExpressions.Regex.IsMatch(types, @"\b(__)?asm(__)?\b|_Pragma|__has_include")))
                throw new FormatException("an imported task's types may hold declarations only (no preprocessor lines, asm or _Pragma)");
            var structs = Signature.ParseStructs(types);
            var signature = Signature.Parse(Get("signature"), structs);
            if (signature.Name != name) throw new FormatException($"the function must be named like the task ('{name}'), not '{signature.Name}'");
            int buffer = fields.ContainsKey("buffer") ? ParseBuffer(Get("buffer"), path, LineOf("buffer")) : 256;

            TaskVersion Version(string label, string specKey, string testsKey, string randomKey, string file)
            {
                string refPath = Path.Combine(folder, file);
                if (!File.Exists(refPath)) throw new FormatException($"missing {file}");
                var hand = ParseTests(Opt(testsKey), LineOf(testsKey), signature, path);
                var random = Wrap(path, LineOf(randomKey), () => RandomSpec.Parse(Opt(randomKey), signature));
                return new TaskVersion(label, Get(specKey), refPath, hand, random);
            }

            var v1 = Version("v1", "spec", "tests", "random", "ref.c");
            if (v1.HandTests.Count == 0) throw new FormatException("'tests:' needs at least one hand-picked case");
            // An imported task (origin: set) may come without a change request: it has no v2.
            string? origin = fields.ContainsKey("origin") ? Get("origin") : null;
            TaskVersion? v2 = null;
            if (origin is null || fields.ContainsKey("change"))
            {
                v2 = Version("v2", "change", "change-tests", fields.ContainsKey("change-random") ? "change-random" : "random", "v2.c");
                if (v2.HandTests.Count == 0) throw new FormatException("'change-tests:' needs at least one case");
            }
            string? specFrom = fields.ContainsKey("spec-from") ? Get("spec-from") : null;
            if (specFrom is not null && specFrom is not ("comment" or "generated"))
                throw new FormatException($"spec-from: 'comment' or 'generated', not '{specFrom}'");

            string? vuln = fields.ContainsKey("vulnerability") ? Get("vulnerability") : null;
            string? vulnPath = null;
            if (vuln is not null)
            {
                vulnPath = Path.Combine(folder, "vuln.c");
                if (!File.Exists(vulnPath)) throw new FormatException("'vulnerability:' is set but vuln.c is missing");
            }
            var exploits = Opt("exploit").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(l => ValueParser.ParseList(l)).ToList();

            string uses = Opt("uses");
            if (uses.Length > 0 && uses != "libdep") throw new FormatException($"uses: only 'libdep' is known, not '{uses}'");
            return new TaskDefinition(name, Path.GetFullPath(folder), Get("category"), Get("summary"), signature, types,
                uses == "libdep", buffer, v1, v2, vuln, vulnPath, exploits) { Origin = origin, SpecFrom = specFrom };
        }
        catch (FormatException e)
        {
            throw new TaskFormatException(path, 0, e.Message);
        }
    }

    private static T Wrap<T>(string path, int line, Func<T> f)
    {
        try { return f(); }
        catch (FormatException e) { throw new TaskFormatException(path, line, e.Message); }
    }

    private static List<TestCase> ParseTests(string block, int firstLine, Signature signature, string path)
    {
        var cases = new List<TestCase>();
        var lines = block.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            int lineNo = firstLine + 1 + i;
            var (args, expected) = ValueParser.SplitArrow(line);
            if (expected is null) throw new TaskFormatException(path, lineNo, "a test needs 'arguments => expected'");
            try
            {
                var values = ValueParser.ParseList(args);
                if (values.Count != signature.Parameters.Count)
                    throw new FormatException($"{signature.Name} takes {signature.Parameters.Count} arguments, the test gives {values.Count}");
                var canonical = Observables.CanonicalExpected(signature, ValueParser.ParseList(expected), values);
                cases.Add(new TestCase(cases.Count, "hand", values, canonical));
            }
            catch (FormatException e)
            {
                throw new TaskFormatException(path, lineNo, e.Message);
            }
        }
        return cases;
    }

    private sealed record Field(string Text, int Line);

    /// <summary>"key: value" on one line, or "key:" followed by lines indented by at least two spaces.</summary>
    private static Dictionary<string, Field> ReadFields(string path)
    {
        var result = new Dictionary<string, Field>();
        var lines = File.ReadAllLines(path);
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            if (line.Length == 0 || line.StartsWith('#')) continue;
            if (char.IsWhiteSpace(line[0])) throw new TaskFormatException(path, i + 1, "indented line outside a block");
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0) throw new TaskFormatException(path, i + 1, "expected 'key: value'");
            string key = line[..colon].Trim();
            if (!KnownKeys.Contains(key)) throw new TaskFormatException(path, i + 1, $"unknown key '{key}' (known: {string.Join(", ", KnownKeys)})");
            if (result.ContainsKey(key)) throw new TaskFormatException(path, i + 1, $"'{key}' given twice");
            string value = line[(colon + 1)..].Trim();
            int start = i + 1;
            if (value.Length == 0)
            {
                var block = new List<string>();
                while (i + 1 < lines.Length && (lines[i + 1].Length == 0 || char.IsWhiteSpace(lines[i + 1][0])))
                {
                    i++;
                    block.Add(lines[i].Length >= 2 ? lines[i][2..] : "");
                }
                value = string.Join('\n', block).TrimEnd();
            }
            result[key] = new Field(value, start);
        }
        return result;
    }
}

/// <summary>The size of an output string buffer: a whole number the driver can allocate per case.</summary>
file static class BufferSize
{
    public const int Max = 1 << 20;
}

public sealed class TaskFormatException(string path, int line, string message)
    : Exception(line > 0 ? $"{path}:{line}: {message}" : $"{path}: {message}");

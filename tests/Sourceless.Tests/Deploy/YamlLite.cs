using System.Globalization;
using System.Text;

namespace Sourceless.Tests.Deploy;

/// <summary>
/// The block YAML the manifests in deploy/k8s are written in, read into dictionaries, lists and
/// strings, so the tests need no YAML package: block mappings and sequences by indentation,
/// flow sequences and mappings (<c>["/bin/sh", "-c"]</c>, <c>{ cpu: "2" }</c>), plain, single- and
/// double-quoted scalars, and literal (|) and folded (&gt;) block scalars with the - chomping
/// indicator. Anything outside that subset (tabs in indentation, a line at an unexpected
/// indentation, a line that is neither "key: value" nor "- item", an unclosed quote or bracket,
/// a key given twice) is a <see cref="FormatException"/> naming the line.
/// </summary>
public static class YamlLite
{
    private sealed record Line(int Number, int Indent, string Text);

    public static object? Parse(string text)
    {
        var raw = text.Replace("\r\n", "\n").Split('\n');
        var reader = new Reader(raw);
        if (reader.Peek() is null) return null;
        var root = reader.Node(reader.Peek()!.Indent);
        if (reader.Peek() is { } extra) throw Error(extra, "unexpected indentation");
        return root;
    }

    /// <summary>The node at a dotted path ("spec.template.spec.containers"); list items by number.</summary>
    public static object? At(object? node, string path)
    {
        foreach (var part in path.Split('.'))
            node = node switch
            {
                Dictionary<string, object?> map => map.GetValueOrDefault(part),
                List<object?> list when int.TryParse(part, CultureInfo.InvariantCulture, out int i) && i < list.Count => list[i],
                _ => null,
            };
        return node;
    }

    private static FormatException Error(Line line, string what) => new($"line {line.Number}: {what}: {line.Text.Trim()}");

    private sealed class Reader(string[] raw)
    {
        private int _next;

        /// <summary>The next line with content (comments and blank lines skipped).</summary>
        public Line? Peek()
        {
            while (_next < raw.Length)
            {
                string s = raw[_next];
                int indent = s.Length - s.TrimStart(' ').Length;
                if (s.TrimStart(' ').StartsWith('\t')) throw new FormatException($"line {_next + 1}: a tab in the indentation");
                string body = StripComment(s[indent..]).TrimEnd();
                if (body.Length > 0) return new Line(_next + 1, indent, body);
                _next++;
            }
            return null;
        }

        public object? Node(int indent)
        {
            var first = Peek()!;
            if (first.Indent != indent) throw Error(first, "unexpected indentation");
            return IsItem(first.Text) ? Sequence(indent) : Mapping(indent, null);
        }

        private List<object?> Sequence(int indent)
        {
            var list = new List<object?>();
            while (Peek() is { } line && line.Indent == indent && IsItem(line.Text))
            {
                string rest = line.Text.Length > 1 ? line.Text[2..].TrimStart(' ') : "";
                int inner = indent + (line.Text.Length - rest.Length);
                if (rest.Length == 0)
                {
                    _next++;
                    list.Add(Peek() is { } child && child.Indent > indent ? Node(child.Indent) : null);
                }
                else if (IsItem(rest)) throw Error(line, "nested sequence on one line");
                else if (rest is "|" or "|-" or ">" or ">-")
                {
                    _next++;
                    list.Add(Block(indent, rest));
                }
                else if (KeyOf(rest) is not null) list.Add(Mapping(inner, rest));
                else
                {
                    _next++;
                    list.Add(Scalar(rest, line));
                }
            }
            if (Peek() is { } after && after.Indent > indent) throw Error(after, "unexpected indentation");
            return list;
        }

        /// <summary>A block mapping at <paramref name="indent"/>; <paramref name="firstText"/> is
        /// its first entry when it starts on a sequence item's line ("- name: x").</summary>
        private Dictionary<string, object?> Mapping(int indent, string? firstText)
        {
            var map = new Dictionary<string, object?>(StringComparer.Ordinal);
            bool first = firstText is not null;
            while (Peek() is { } line)
            {
                string text;
                if (first) { text = firstText!; first = false; }
                else if (line.Indent == indent && !IsItem(line.Text)) text = line.Text;
                else if (line.Indent > indent) throw Error(line, "unexpected indentation");
                else break;
                var key = KeyOf(text) ?? throw Error(line, "expected 'key: value'");
                string rest = text[(key.Length + 1)..].Trim();
                string name = Unquote(key.Trim(), line);
                if (map.ContainsKey(name)) throw Error(line, $"the key '{name}' twice");
                _next++;
                if (rest.Length == 0)
                    map[name] = Peek() is { } child && (child.Indent > indent || (child.Indent == indent && IsItem(child.Text)))
                        ? Node(child.Indent) : null;
                else if (rest is "|" or "|-" or ">" or ">-") map[name] = Block(indent, rest);
                else map[name] = Scalar(rest, line);
            }
            return map;
        }

        private string Block(int parent, string style)
        {
            var lines = new List<string>();
            int indent = -1;
            while (_next < raw.Length)
            {
                string s = raw[_next];
                if (s.Trim().Length == 0) { lines.Add(""); _next++; continue; }
                int i = s.Length - s.TrimStart(' ').Length;
                if (i <= parent) break;
                if (indent < 0) indent = i;
                if (i < indent) throw new FormatException($"line {_next + 1}: a block scalar line less indented than its first");
                lines.Add(s[indent..]);
                _next++;
            }
            while (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
            string value = style[0] == '|' ? string.Join('\n', lines) : Fold(lines);
            return style.EndsWith('-') ? value : value + "\n";
        }

        private static string Fold(List<string> lines)
        {
            var sb = new StringBuilder();
            for (int i = 0; i < lines.Count; i++)
            {
                if (i > 0) sb.Append(lines[i].Length == 0 || lines[i - 1].Length == 0 ? "\n" : " ");
                sb.Append(lines[i]);
            }
            return sb.ToString();
        }
    }

    private static bool IsItem(string text) => text == "-" || text.StartsWith("- ", StringComparison.Ordinal);

    /// <summary>The key of "key: value" or "key:", quotes respected; null when the text is not one.</summary>
    private static string? KeyOf(string text)
    {
        if (text.StartsWith('{') || text.StartsWith('[')) return null;
        char quote = '\0';
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quote != '\0') { if (c == quote) quote = '\0'; continue; }
            if ((c == '"' || c == '\'') && i == 0) { quote = c; continue; }
            if (c == ':' && (i + 1 == text.Length || text[i + 1] == ' ')) return i > 0 ? text[..i] : null;
        }
        return null;
    }

    private static string StripComment(string s)
    {
        char quote = '\0';
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (quote != '\0') { if (c == quote) quote = '\0'; continue; }
            if (c is '"' or '\'' && (i == 0 || " [{,:".Contains(s[i - 1]))) quote = c;
            else if (c == '#' && (i == 0 || s[i - 1] == ' ')) return s[..i];
        }
        return s;
    }

    private static object? Scalar(string text, Line line)
    {
        int pos = 0;
        var value = Flow(text, ref pos, line);
        if (text[pos..].Trim().Length > 0) throw Error(line, "text after the value");
        return value;
    }

    private static object? Flow(string s, ref int pos, Line line, bool inFlow = false)
    {
        while (pos < s.Length && s[pos] == ' ') pos++;
        if (pos >= s.Length) return null;
        char c = s[pos];
        if (c == '[')
        {
            pos++;
            var list = new List<object?>();
            while (true)
            {
                SkipSpaces(s, ref pos);
                if (pos >= s.Length) throw Error(line, "unclosed [");
                if (s[pos] == ']') { pos++; return list; }
                list.Add(Flow(s, ref pos, line, inFlow: true));
                SkipSpaces(s, ref pos);
                if (pos < s.Length && s[pos] == ',') pos++;
                else if (pos >= s.Length || s[pos] != ']') throw Error(line, "expected , or ]");
            }
        }
        if (c == '{')
        {
            pos++;
            var map = new Dictionary<string, object?>(StringComparer.Ordinal);
            while (true)
            {
                SkipSpaces(s, ref pos);
                if (pos >= s.Length) throw Error(line, "unclosed {");
                if (s[pos] == '}') { pos++; return map; }
                var key = Flow(s, ref pos, line, inFlow: true) as string ?? throw Error(line, "expected a key");
                SkipSpaces(s, ref pos);
                if (pos >= s.Length || s[pos] != ':') throw Error(line, "expected : in a flow mapping");
                pos++;
                if (!map.TryAdd(key, Flow(s, ref pos, line, inFlow: true))) throw Error(line, $"the key '{key}' twice");
                SkipSpaces(s, ref pos);
                if (pos < s.Length && s[pos] == ',') pos++;
                else if (pos >= s.Length || s[pos] != '}') throw Error(line, "expected , or }");
            }
        }
        if (c is '"' or '\'')
        {
            var sb = new StringBuilder();
            for (pos++; ; pos++)
            {
                if (pos >= s.Length) throw Error(line, $"unclosed {c}");
                char d = s[pos];
                if (c == '\'' && d == '\'' && pos + 1 < s.Length && s[pos + 1] == '\'') { sb.Append('\''); pos++; continue; }
                if (c == '"' && d == '\\' && pos + 1 < s.Length) { sb.Append(s[++pos] switch { 'n' => '\n', 't' => '\t', var e => e }); continue; }
                if (d == c) { pos++; return sb.ToString(); }
                sb.Append(d);
            }
        }
        int start = pos;
        while (pos < s.Length && !(inFlow && (s[pos] is ',' or ']' or '}' || (s[pos] == ':' && (pos + 1 == s.Length || s[pos + 1] == ' ')))))
            pos++;
        return s[start..pos].Trim();
    }

    private static void SkipSpaces(string s, ref int pos)
    {
        while (pos < s.Length && s[pos] == ' ') pos++;
    }

    private static string Unquote(string key, Line line)
    {
        if (key.Length == 0 || key[0] is not ('"' or '\'')) return key;
        int pos = 0;
        return Flow(key, ref pos, line) as string ?? key;
    }
}

using System.Text.RegularExpressions;

namespace Sourceless.Experiments.Abstractions;

/// <summary>
/// What DWARF says about one function, read from `readelf --debug-dump=info`: whether it is
/// described (a definition, not a declaration), and its parameters and locals that carry both a
/// name and a type. Depth-aware, so the callee declarations of a compile unit are not counted.
/// </summary>
public sealed partial record DwarfSummary(bool Described, int ParamsTyped, int LocalsTyped, IReadOnlyList<string> Names)
{
    public static readonly DwarfSummary None = new(false, 0, 0, []);

    public static DwarfSummary Parse(string readelf, string function)
    {
        var dies = new List<(int Depth, string Tag, Dictionary<string, string> Attrs)>();
        foreach (var line in readelf.Split('\n'))
        {
            var die = DieRegex().Match(line);
            if (die.Success)
            {
                dies.Add((int.Parse(die.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), die.Groups[2].Value, new(StringComparer.Ordinal)));
                continue;
            }
            var attr = AttrRegex().Match(line);
            if (attr.Success && dies.Count > 0) dies[^1].Attrs.TryAdd(attr.Groups[1].Value, StripIndirect(attr.Groups[2].Value.Trim()));
        }
        for (int i = 0; i < dies.Count; i++)
        {
            var (depth, tag, attrs) = dies[i];
            if (tag != "DW_TAG_subprogram" || attrs.GetValueOrDefault("DW_AT_name") != function || attrs.ContainsKey("DW_AT_declaration")) continue;
            int p = 0, l = 0;
            var names = new List<string>();
            for (int j = i + 1; j < dies.Count && dies[j].Depth > depth; j++)
            {
                var (_, childTag, a) = dies[j];
                bool typed = a.ContainsKey("DW_AT_name") && a.ContainsKey("DW_AT_type");
                if (!typed) continue;
                if (childTag == "DW_TAG_formal_parameter" && dies[j].Depth == depth + 1) { p++; names.Add("param " + a["DW_AT_name"]); }
                else if (childTag == "DW_TAG_variable") { l++; names.Add("local " + a["DW_AT_name"]); }
            }
            return new DwarfSummary(true, p, l, names);
        }
        return None;
    }

    private static string StripIndirect(string value) => IndirectRegex().Replace(value, "");

    [GeneratedRegex(@"^\s*<(\d+)><[0-9a-f]+>: Abbrev Number: \d+ \((DW_TAG_\w+)\)")]
    private static partial Regex DieRegex();

    [GeneratedRegex(@"^\s*<[0-9a-f]+>\s+(DW_AT_\w+)\s*:\s*(.*)$")]
    private static partial Regex AttrRegex();

    [GeneratedRegex(@"^\((indirect|indexed)[^)]*\):\s*")]
    private static partial Regex IndirectRegex();
}

using System.Globalization;

namespace Sourceless.Sandbox;

/// <summary>Parses what a driver printed (protocol in harness/sl_runtime.h). Lines that are not
/// protocol lines (an artifact that prints) are ignored; a case reported twice keeps its first line.</summary>
public sealed record DriverReport(
    IReadOnlyDictionary<int, string> Cases,
    string? StatusKind,
    int? StatusValue,
    string? Error,
    long? TimeNs,
    long? FaultOffset)
{
    public static DriverReport Parse(string stdout)
    {
        var cases = new Dictionary<int, string>();
        string? kind = null, error = null;
        int? value = null;
        long? time = null, fault = null;
        foreach (var raw in stdout.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith('@'))
            {
                int space = line.IndexOf(' ', StringComparison.Ordinal);
                if (space > 1 && int.TryParse(line.AsSpan(1, space - 1), NumberStyles.None, CultureInfo.InvariantCulture, out int idx))
                    cases.TryAdd(idx, line[(space + 1)..]);
            }
            else if (line.StartsWith("#status ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                if (parts.Length == 3 && int.TryParse(parts[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out int v))
                {
                    kind = parts[1];
                    value = v;
                }
            }
            else if (line.StartsWith("#error ", StringComparison.Ordinal)) error ??= line[7..];
            else if (line.StartsWith("#fault ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                if (parts.Length == 3 && long.TryParse(parts[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long off)) fault ??= off;
            }
            else if (line.StartsWith("#time ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                if (parts.Length == 3 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long ns)
                    && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out long reps) && reps > 0)
                    time = ns / reps;
            }
        }
        return new DriverReport(cases, kind, value, error, time, fault);
    }
}

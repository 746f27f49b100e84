using System.Globalization;

namespace Sourceless.Sandbox;

/// <summary>Parses what a driver printed (protocol in harness/sl_runtime.c). Lines that are not
/// protocol lines (an artifact that prints) are ignored; a case reported twice keeps its first line.</summary>
public sealed record DriverReport(
    IReadOnlyDictionary<int, string> Cases,
    string? StatusKind,
    int? StatusValue,
    string? Error,
    long? TimeNs,
    long? FaultOffset)
{
    /// <summary>A fresh protocol token for one driver run (harness/sl_runtime.c, --token): random,
    /// given on stdin, never stored, so nothing the artifact prints can pass for protocol.</summary>
    public static string NewToken() => "~" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12)) + "~";

    /// <summary>The protocol lines of a tokened run's stdout, token stripped: a line counts only from
    /// the token on (an artifact's unterminated print may sit before it); every other line is dropped,
    /// so what is parsed and stored downstream is the driver's word alone.</summary>
    public static string Authentic(string stdout, string token)
    {
        var sb = new System.Text.StringBuilder();
        foreach (var line in stdout.Split('\n'))
        {
            int at = line.IndexOf(token, StringComparison.Ordinal);
            if (at >= 0) sb.Append(line.AsSpan(at + token.Length)).Append('\n');
        }
        return sb.ToString();
    }

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

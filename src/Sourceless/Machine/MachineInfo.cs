using System.Runtime.InteropServices;

namespace Sourceless.Machine;

/// <summary>The machine a trial ran on, stored with the results and printed in every report.</summary>
public static class MachineInfo
{
    public static IReadOnlyDictionary<string, string> Collect() => new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        ["machine.cpu"] = CpuModel(),
        ["machine.cores"] = Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["machine.memory"] = MemoryTotal(),
        ["machine.os"] = OsName(),
        ["machine.kernel"] = ReadFirst("/proc/sys/kernel/osrelease"),
        ["machine.runtime"] = RuntimeInformation.FrameworkDescription,
        ["machine.arch"] = RuntimeInformation.OSArchitecture.ToString(),
    };

    private static string CpuModel()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
        }
        catch (IOException) { return "unknown"; }
    }

    private static string MemoryTotal()
    {
        try
        {
            var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal", StringComparison.Ordinal));
            long kb = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
            return $"{kb / 1024.0 / 1024.0:0.0} GiB";
        }
        catch (Exception e) when (e is IOException or FormatException or InvalidOperationException) { return "unknown"; }
    }

    private static string OsName()
    {
        try
        {
            var line = File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal));
            return line is null ? RuntimeInformation.OSDescription : line["PRETTY_NAME=".Length..].Trim('"');
        }
        catch (IOException) { return RuntimeInformation.OSDescription; }
    }

    private static string ReadFirst(string path)
    {
        try { return File.ReadAllText(path).Trim(); }
        catch (IOException) { return "unknown"; }
    }
}

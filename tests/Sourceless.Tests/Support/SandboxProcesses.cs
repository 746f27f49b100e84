namespace Sourceless.Tests.Support;

/// <summary>The host's processes that run as the given uids (read from /proc): what a sandbox test
/// counts to show that nothing an artifact started outlived its run.</summary>
public static class SandboxProcesses
{
    public static int Count(IReadOnlyCollection<int> uids)
    {
        int count = 0;
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            try
            {
                var uidLine = File.ReadLines(Path.Combine(dir, "status")).FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
                if (uidLine is null) continue;
                int uid = int.Parse(uidLine.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
                if (uids.Contains(uid)) count++;
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return count;
    }

    /// <summary>Processes whose name (/proc/PID/comm) is <paramref name="name"/>.</summary>
    public static int Named(string name)
    {
        int count = 0;
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "comm")).Trim() == name) count++;
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return count;
    }
}

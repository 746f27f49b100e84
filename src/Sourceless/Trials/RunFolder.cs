using System.Globalization;

namespace Sourceless.Trials;

/// <summary>Chooses a run folder: a new timestamped one (never an existing one silently), or the
/// folder given to --resume.</summary>
public static class RunFolder
{
    public static string ForNewRun(string? requested)
    {
        string path;
        if (requested is not null)
        {
            path = Path.GetFullPath(requested);
            if (Directory.Exists(path) && Directory.EnumerateFileSystemEntries(path).Any())
                throw new UserError($"--out {requested}: the folder exists and is not empty; continue it with --resume {requested} or choose another --out");
        }
        else
        {
            string stamp = DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
            path = Path.GetFullPath(Path.Combine("runs", stamp));
            for (int i = 2; Directory.Exists(path); i++) path = Path.GetFullPath(Path.Combine("runs", $"{stamp}-{i}"));
        }
        Directory.CreateDirectory(path);
        CheckReadableBySandbox(path);
        return path;
    }

    public static string ForResume(string requested)
    {
        string path = Path.GetFullPath(requested);
        if (!File.Exists(Path.Combine(path, Store.TrialStore.FileName)))
            throw new UserError($"--resume {requested}: no {Store.TrialStore.FileName} there, so it is not a Sourceless run folder");
        return path;
    }

    /// <summary>The sandbox runs as an unprivileged uid that must reach the drivers and images in
    /// the run folder: every parent folder needs the "x" bit for others.</summary>
    private static void CheckReadableBySandbox(string path)
    {
        for (var dir = new DirectoryInfo(path); dir is not null; dir = dir.Parent)
        {
            var mode = File.GetUnixFileMode(dir.FullName);
            if (!mode.HasFlag(UnixFileMode.OtherExecute))
                throw new UserError($"the run folder {path} is inside {dir.FullName}, which the sandbox's unprivileged uid cannot enter (mode {Convert.ToString((int)mode, 8)}); choose another --out");
        }
    }
}

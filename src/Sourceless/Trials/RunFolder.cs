using System.Globalization;

namespace Sourceless.Trials;

/// <summary>Chooses a run folder: a new timestamped one (never an existing one silently), or the
/// folder given to --resume.</summary>
public static class RunFolder
{
    /// <summary>The run folder this process chose (new or resumed), for the message of an internal
    /// error; null before one is chosen.</summary>
    public static string? Current { get; private set; }

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
        // Any folder will do, a mode-700 one from mktemp -d included: the sandbox is given the run's
        // files by bwrap, which resolves them as the caller (Sandbox/SandboxFileSystem.cs).
        Directory.CreateDirectory(path);
        return Current = path;
    }

    public static string ForResume(string requested)
    {
        string path = Path.GetFullPath(requested);
        if (!File.Exists(Path.Combine(path, Store.TrialStore.FileName)))
            throw new UserError($"--resume {requested}: no {Store.TrialStore.FileName} there, so it is not a Sourceless run folder");
        return Current = path;
    }
}

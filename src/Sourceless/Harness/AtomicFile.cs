namespace Sourceless.Harness;

/// <summary>
/// Files that appear whole or not at all: written under a temporary name of their own in the
/// target's folder, then renamed over the target. Every writer gets its own temporary name, because
/// content-addressed files are written by several workers at once (two artifacts with the same
/// linked ELF, two targets with the same -O2 code): with one fixed ".tmp" name a second writer
/// truncated the first's file and the first rename took the second's away from under it.
/// The rename replaces what is there (rename(2) is atomic), so the last of several writers of the
/// same content simply wins. Temporary names start with a dot, so folder listings skip them.
/// </summary>
public static class AtomicFile
{
    /// <summary>A hidden name next to <paramref name="path"/> that no other writer uses.</summary>
    public static string TempPath(string path) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{Path.GetFileName(path)}.{Environment.ProcessId}-{Guid.NewGuid():N}.tmp");

    /// <summary>Moves a finished temporary file onto its target, replacing what is there.</summary>
    public static void Publish(string temp, string path) => File.Move(temp, path, overwrite: true);

    public static void Write(string path, Action<Stream> write)
    {
        string temp = TempPath(path);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write)) write(stream);
            Publish(temp, path);
        }
        finally { File.Delete(temp); }
    }

    public static async Task WriteAsync(string path, Func<Stream, Task> write)
    {
        string temp = TempPath(path);
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write)) await write(stream);
            Publish(temp, path);
        }
        finally { File.Delete(temp); }
    }

    public static void WriteBytes(string path, byte[] bytes) => Write(path, s => s.Write(bytes));

    public static void WriteText(string path, string text) => WriteBytes(path, System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>Stores bytes under a content-derived path unless they are there already; any
    /// number of writers may race on the same path.</summary>
    public static string WriteOnce(string path, byte[] bytes)
    {
        if (!File.Exists(path)) WriteBytes(path, bytes);
        return path;
    }
}

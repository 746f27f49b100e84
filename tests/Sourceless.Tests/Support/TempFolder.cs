namespace Sourceless.Tests.Support;

/// <summary>A fresh folder under /var/tmp that the sandbox's unprivileged uid can enter
/// (Directory.CreateTempSubdirectory makes 0700 folders, which it could not).</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; }

    public TempFolder(string prefix = "sl-test")
    {
        Path = System.IO.Path.Combine("/var/tmp", $"{prefix}-{Environment.ProcessId}-{Guid.NewGuid():N}"[..(prefix.Length + 20)]);
        Directory.CreateDirectory(Path);
        File.SetUnixFileMode(Path, (UnixFileMode)0b111_101_101);
    }

    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

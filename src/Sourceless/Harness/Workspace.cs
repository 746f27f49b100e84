using System.Security.Cryptography;

namespace Sourceless.Harness;

/// <summary>The scratch side of a run folder (RUN/work): generated headers, drivers, libdep builds
/// and artifact images. Everything here can be rebuilt; the results live in the store.</summary>
public sealed class Workspace
{
    public string Root { get; }

    public Workspace(string root)
    {
        Root = Path.GetFullPath(root);
        Directory.CreateDirectory(Root);
    }

    public string Dir(params string[] parts)
    {
        var path = Path.Combine([Root, .. parts]);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Writes a file only when its content changed, so resumed runs reuse builds.</summary>
    public static bool WriteIfChanged(string path, string content)
    {
        if (File.Exists(path) && File.ReadAllText(path) == content) return false;
        AtomicFile.WriteText(path, content);
        return true;
    }

    /// <summary>Stores image bytes under their content hash (world-readable: the sandbox uid reads them).</summary>
    public string ImagePath(byte[] code) => AtomicFile.WriteOnce(Path.Combine(Dir("images"), Hash(code) + ".bin"), code);

    public static string Hash(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    public static string Hash(string text) => Hash(System.Text.Encoding.UTF8.GetBytes(text));
}

using System.Security.Cryptography;
using System.Text;

namespace Sourceless.Tasks;

/// <summary>
/// A hash of everything in a task's folder (file names and bytes), stored when a trial starts so
/// that <c>--resume</c> can refuse a suite whose tasks changed since: a resumed run that mixed old
/// and new tests would report figures that no single version of the suite produced.
/// </summary>
public static class TaskFingerprint
{
    public static string Of(TaskDefinition task)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        string root = Path.GetFullPath(task.Folder);
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(Path.GetRelativePath(root, file) + "\0"));
            hash.AppendData(File.ReadAllBytes(file));
            hash.AppendData("\0"u8);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The tasks whose folder no longer matches the stored hash (a task with no stored
    /// hash is not judged: stores from before hashes were kept).</summary>
    public static IReadOnlyList<string> Changed(IEnumerable<TaskDefinition> tasks, IReadOnlyDictionary<string, string> stored) =>
        tasks.Where(t => stored.TryGetValue(t.Name, out var h) && h != Of(t)).Select(t => t.Name).ToList();
}

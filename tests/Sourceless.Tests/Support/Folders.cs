using Sourceless.Harness;

namespace Sourceless.Tests.Support;

/// <summary>Copies of repository folders a test may edit: a built-in task, a harness.</summary>
public static class Folders
{
    /// <summary>Copies a folder with everything under it; returns <paramref name="to"/>.</summary>
    public static string Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        return to;
    }

    /// <summary>A built-in task's folder copied to <paramref name="to"/>.</summary>
    public static string CopyTask(string name, string to) => Copy(Path.Combine(SourcelessHome.TasksDir, name), to);
}

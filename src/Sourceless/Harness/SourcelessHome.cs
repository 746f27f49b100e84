namespace Sourceless.Harness;

/// <summary>Finds the repository resources (harness/, libdep/, tasks/) from the running binary:
/// SOURCELESS_HOME if set, else the first parent folder of the binary that holds harness/sl_runtime.h.</summary>
public static class SourcelessHome
{
    private static readonly Lazy<string> Root = new(Find);

    public static string Path => Root.Value;
    public static string HarnessDir => System.IO.Path.Combine(Path, "harness");
    public static string LibDepDir => System.IO.Path.Combine(Path, "libdep");
    public static string TasksDir => System.IO.Path.Combine(Path, "tasks");

    private static string Find()
    {
        var env = Environment.GetEnvironmentVariable("SOURCELESS_HOME");
        if (!string.IsNullOrEmpty(env)) return System.IO.Path.GetFullPath(env);
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "harness", "sl_runtime.h"))) return dir.FullName;
        throw new UserError("cannot find the Sourceless resources (harness/sl_runtime.h); set SOURCELESS_HOME to the repository");
    }
}

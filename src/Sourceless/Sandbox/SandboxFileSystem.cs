using System.Globalization;

namespace Sourceless.Sandbox;

/// <summary>
/// What a sandboxed process sees, as bwrap arguments: an allow-list, not the host. The system's
/// programs and libraries read-only (/usr and the top-level links into it, the loader cache, the
/// alternatives links that name the compilers), a private /proc and a minimal /dev, a size-capped
/// scratch at /tmp and a smaller cap on /dev/shm, and exactly the paths a request names, at their
/// host paths. No task folder, run folder, store, home, /var, /run or host /tmp is there unless a
/// request names a file in it; the root itself is read-only. See docs/architecture.md, "Sandbox".
/// </summary>
public static class SandboxFileSystem
{
    /// <summary>/dev/shm is scratch too; POSIX shared memory has no use in a task, so it gets
    /// only a token size (bwrap's --dev would otherwise give an uncapped tmpfs).</summary>
    public const long SharedMemoryBytes = 1 << 20;

    private static readonly string[] TopLevel = ["bin", "sbin", "lib", "lib64", "lib32", "libx32"];
    private static readonly string[] EtcFiles = ["/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/alternatives"];

    private static readonly Lazy<IReadOnlyList<string>> System = new(SystemArguments);

    public static IReadOnlyList<string> Arguments(SandboxRequest request, long scratchBytes)
    {
        var args = new List<string>(System.Value)
        {
            // /dev itself read-only: without root bwrap's --dev tmpfs belongs to the caller's uid.
            "--dev", "/dev", "--perms", "1777", "--size", SharedMemoryBytes.ToString(CultureInfo.InvariantCulture), "--tmpfs", "/dev/shm",
            "--remount-ro", "/dev",
            "--proc", "/proc",
            "--perms", "1777", "--size", scratchBytes.ToString(CultureInfo.InvariantCulture), "--tmpfs", "/tmp",
        };
        var made = new HashSet<string>(StringComparer.Ordinal) { "/", "/tmp", "/usr", "/etc", "/dev", "/proc" };
        void Bind(string option, string host, string inside)
        {
            // bwrap makes missing parents mode 0700 as root: the sandbox uid could not pass them.
            var parents = new List<string>();
            for (var p = Path.GetDirectoryName(inside); p is not null && p != "/" && !made.Contains(p); p = Path.GetDirectoryName(p))
                parents.Add(p);
            parents.Reverse();
            foreach (var p in parents)
            {
                args.AddRange(["--perms", "0755", "--dir", p]);
                made.Add(p);
            }
            args.AddRange([option, host, inside]);
            made.Add(inside);
        }
        // Outer folders first, so a file named inside a bound folder lands on top of it.
        // A path named both ways is writable (the writable list is the deliberate one).
        var sameAsHost = request.WritablePaths.Select(p => (Path: Path.GetFullPath(p).TrimEnd('/'), Option: "--bind"))
            .Concat(request.ReadOnlyPaths.Select(p => (Path: Path.GetFullPath(p).TrimEnd('/'), Option: "--ro-bind")))
            .Where(b => b.Path.Length > 0 && !IsSystem(b.Path))
            .DistinctBy(b => b.Path).OrderBy(b => b.Path.Length).ThenBy(b => b.Path, StringComparer.Ordinal);
        foreach (var (path, option) in sameAsHost) Bind(option, path, path);
        foreach (var bind in request.Binds) Bind("--ro-bind", Path.GetFullPath(bind.Host), Path.GetFullPath(bind.Inside));
        args.AddRange(["--remount-ro", "/"]);
        return args;
    }

    /// <summary>A path the system part already shows (read-only): nothing to bind.</summary>
    private static bool IsSystem(string full) => full == "/usr" || full.StartsWith("/usr/", StringComparison.Ordinal);

    private static IReadOnlyList<string> SystemArguments()
    {
        var args = new List<string> { "--ro-bind", "/usr", "/usr" };
        foreach (var name in TopLevel)
        {
            string host = "/" + name;
            var info = new FileInfo(host);
            if (info.LinkTarget is { } target) args.AddRange(["--symlink", target, host]);
            else if (Directory.Exists(host)) args.AddRange(["--ro-bind", host, host]);
        }
        args.AddRange(["--perms", "0755", "--dir", "/etc"]);
        foreach (var path in EtcFiles.Where(p => File.Exists(p) || Directory.Exists(p)))
            args.AddRange(["--ro-bind", path, path]);
        return args;
    }
}

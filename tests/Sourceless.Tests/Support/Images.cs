using Sourceless.Artifacts;
using Sourceless.Harness;
using Sourceless.Targets;
using Sourceless.Tools;

namespace Sourceless.Tests.Support;

/// <summary>Builds bare images from C source with the real compiler and the real flat linker: the
/// way hostile or planted artifacts are made for tests.</summary>
public static class Images
{
    public static async Task<byte[]> CompileAsync(string source, string entry, Isa isa, string folder, CancellationToken ct, string opt = "-O2")
    {
        Directory.CreateDirectory(folder);
        string c = Path.Combine(folder, entry + ".c");
        string o = Path.Combine(folder, entry + ".o");
        await File.WriteAllTextAsync(c, source, ct);
        var tools = ToolRunner.Shared;
        var r = await tools.RunAsync(isa.Gcc, [opt, "-fPIE", "-ffunction-sections", "-fno-stack-protector", "-fno-builtin", "-c", c, "-o", o], ct);
        Assert.True(r.Succeeded, r.ErrorSummary());
        var link = await new FlatImageLinker(tools, ImportTable.Load()).LinkAsync(isa, o, entry, folder, ct);
        Assert.True(link.Image is not null, link.Failure);
        return link.Image!;
    }

    /// <summary>Raw Linux system calls for x86_64, so a hostile image needs no import at all.</summary>
    public const string X86Syscalls = """
        static inline long sc6(long n, long a, long b, long c, long d, long e, long f)
        {
            long r;
            register long r10 __asm__("r10") = d;
            register long r8 __asm__("r8") = e;
            register long r9 __asm__("r9") = f;
            __asm__ volatile ("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9) : "rcx", "r11", "memory");
            return r;
        }
        static inline long sc(long n, long a, long b, long c) { return sc6(n, a, b, c, 0, 0, 0); }
        """;
}

using System.Globalization;
using System.Text.Json;
using Sourceless.Harness;
using Sourceless.Tasks;
using Sourceless.Tools;

namespace Sourceless.Corpus;

/// <summary>
/// Where a corpus's programs come from, each pluggable by name on the command line:
/// <c>exprgen</c> (tiers 1-3, --count per tier), <c>tasks</c> (the built-in tasks' reference
/// sources with their hand-written I/O tests), <c>csmith</c> (Debian's Csmith, --count programs,
/// its printed checksum as the oracle) and <c>dir:PATH</c> (every .c file of a folder).
/// </summary>
public static class ProgramSources
{
    public const string Defaults = "exprgen";

    public static IReadOnlyList<string> ParseNames(string? text)
    {
        var names = (string.IsNullOrWhiteSpace(text) ? Defaults : text).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        foreach (var n in names)
        {
            if (n is "exprgen" or "tasks" or "csmith") continue;
            if (n.StartsWith("dir:", StringComparison.Ordinal))
            {
                if (!Directory.Exists(n[4..])) throw new UserError($"--sources {n}: no such folder");
                continue;
            }
            throw new UserError($"unknown program source '{n}' (known: exprgen, tasks, csmith, dir:PATH)");
        }
        if (names.Count == 0) throw new UserError("--sources: name at least one program source");
        return names;
    }

    /// <summary>The programs of the run whose index is K modulo N, in the run's deterministic
    /// order (index 0, 1, ... over all sources). Generated programs of other shards are never made.</summary>
    public static IEnumerable<CorpusProgram> Enumerate(IReadOnlyList<string> names, IReadOnlyList<int> tiers, int count, ulong seed, int shard = 0, int shards = 1)
    {
        long index = 0;
        foreach (var name in names)
        {
            IEnumerable<Func<CorpusProgram>> programs = name switch
            {
                "exprgen" => tiers.SelectMany(t => Enumerable.Range(0, count).Select(i => (Func<CorpusProgram>)(() => ExprGen.Program(seed, t, i)))),
                "tasks" => Tasks().Select(p => (Func<CorpusProgram>)(() => p)),
                "csmith" => Enumerable.Range(0, count).Select(i => (Func<CorpusProgram>)(() => Csmith(seed, i))),
                _ => Folder(name[4..]).Select(p => (Func<CorpusProgram>)(() => p)),
            };
            foreach (var make in programs)
            {
                if (index % shards == shard) yield return make() with { Index = index };
                index++;
            }
        }
    }

    private static IEnumerable<CorpusProgram> Tasks()
    {
        foreach (var task in TaskSuite.Load(SourcelessHome.TasksDir).Tasks)
        {
            // The header inline instead of #include "task.h": the record's source is complete.
            string source = task.Header + File.ReadAllText(task.V1.ReferencePath).Replace("#include \"task.h\"", "", StringComparison.Ordinal);
            var tests = task.V1.HandTests.Select(t => new { arguments = t.ArgumentText, expected = t.Expected }).ToList();
            yield return new CorpusProgram(0, "tasks", "tasks/" + task.Name, 0, source, JsonSerializer.Serialize(tests), [SourcelessHome.LibDepDir]);
        }
    }

    private static IEnumerable<CorpusProgram> Folder(string dir)
    {
        foreach (var file in Directory.EnumerateFiles(dir, "*.c", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            yield return new CorpusProgram(0, "dir", "dir/" + Path.GetRelativePath(dir, file), 0, File.ReadAllText(file), null, [Path.GetDirectoryName(Path.GetFullPath(file))!],
                Path.GetFullPath(file));
    }

    /// <summary>Csmith's flags: small programs (few functions, no bitfields, no volatiles), so a
    /// compile costs about as much as a real translation unit and its functions stay readable.</summary>
    public static readonly IReadOnlyList<string> CsmithFlags = ["--max-funcs", "4", "--no-bitfields", "--no-volatiles", "--no-packed-struct", "--max-block-depth", "3"];

    private static CorpusProgram Csmith(ulong seed, int i)
    {
        ulong s = SplitMix64.SeedFrom(seed, "csmith", i) & 0x7fffffff;
        // Csmith writes platform.info into its working folder: give it a scratch one, never the user's.
        var scratch = Directory.CreateTempSubdirectory("sourceless-csmith-");
        ToolResult r;
        try
        {
            r = ToolRunner.Shared.RunAsync("csmith", [.. CsmithFlags, "--seed", s.ToString(CultureInfo.InvariantCulture)], CancellationToken.None,
                workingDirectory: scratch.FullName).GetAwaiter().GetResult();
        }
        finally { scratch.Delete(recursive: true); }
        if (!r.Succeeded) throw new ToolFailedException($"csmith --seed {s}", r);
        return new CorpusProgram(0, "csmith", $"csmith/{s}", 0, r.StandardOutput, null, [CsmithInclude]);
    }

    public static string CsmithInclude => Directory.Exists("/usr/include/csmith") ? "/usr/include/csmith"
        : Directory.EnumerateDirectories("/usr/include", "csmith*").FirstOrDefault() ?? "/usr/include/csmith";
}

using System.Text.Json;
using Sourceless.Harness;
using Sourceless.Targets;
using Sourceless.Tools;

namespace Sourceless.Corpus;

/// <summary>
/// Compiles one program for one target and splits the object into functions, through a
/// content-addressed cache: the key is the compiler's version line, the flags and the source, so
/// the same inputs are compiled once per cache folder, ever, and a re-run only reads small files.
/// </summary>
public sealed class CorpusCompiler(string cacheDir, string workDir, ToolRunner tools)
{
    /// <summary>Flags of every corpus compile: one section per function (so each function's bytes
    /// and relocations stand alone) and no unwind tables (not part of the function's code).</summary>
    public static readonly IReadOnlyList<string> Flags = ["-ffunction-sections", "-fno-asynchronous-unwind-tables"];

    public sealed record Result(IReadOnlyList<ExtractedFunction> Functions, string CompilerVersion, string Flags, bool Cached, string? Failure);

    private sealed record CacheEntry(string CompilerVersion, string Flags, string? Failure, List<CachedFunction> Functions);

    private sealed record CachedFunction(string Name, byte[] Bytes, string Relocations, string Disassembly);

    public static (string Tool, List<string> Args) Command(Target target, IReadOnlyList<string> includeDirs, string source, string output)
    {
        var (tool, prefix) = Toolchain.Compiler(target.Compiler, target.Isa);
        var args = new List<string>(prefix) { target.OptLevel };
        args.AddRange(Flags);
        args.AddRange(includeDirs.Select(d => "-I" + d));
        args.AddRange(["-c", source, "-o", output]);
        return (tool, args);
    }

    /// <summary>Programs per compiler invocation: gcc and clang compile several files in one run
    /// (one cc1/as per file, as separate invocations would), which saves a driver start-up each.</summary>
    public const int Batch = 8;

    /// <summary>Compiles programs (same target, same include folders) in one compiler invocation;
    /// each result comes from the cache when its key is there. If the batch fails, each program
    /// is compiled on its own, so a failure is pinned on the program that has it.</summary>
    public async Task<IReadOnlyList<Result>> CompileAsync(IReadOnlyList<CorpusProgram> programs, Target target, CancellationToken ct)
    {
        var (tool, _) = Toolchain.Compiler(target.Compiler, target.Isa);
        string version = await tools.VersionAsync(tool, ct);
        var (_, flagArgs) = Command(target, [], "-", "-");
        string flags = string.Join(' ', flagArgs.Take(flagArgs.Count - 4));
        var results = new Result?[programs.Count];
        var todo = new List<(int Index, string Key, string Entry)>();
        for (int i = 0; i < programs.Count; i++)
        {
            var program = programs[i];
            string key = Workspace.Hash($"{version}\n{tool}\n{flags}\n{string.Join('\n', program.IncludeDirs ?? [])}\n{program.Source}");
            string entry = Path.Combine(cacheDir, key[..2], key + ".json");
            if (File.Exists(entry))
            {
                var cached = JsonSerializer.Deserialize<CacheEntry>(await File.ReadAllBytesAsync(entry, ct))!;
                results[i] = ToResult(cached, true, key, program);
            }
            else todo.Add((i, key, entry));
        }
        if (todo.Count == 0) return results!;

        string dir = Path.Combine(workDir, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            foreach (var (i, key, _) in todo) await File.WriteAllTextAsync(Path.Combine(dir, key + ".c"), programs[i].Source, ct);
            // One invocation for the batch: "-c a.c b.c" writes a.o and b.o into the working folder.
            var (_, args) = Command(target, programs[todo[0].Index].IncludeDirs ?? [], "-", "-");
            args.RemoveRange(args.Count - 4, 4);
            args.Add("-c");
            args.AddRange(todo.Select(t => t.Key + ".c"));
            var r = await tools.RunAsync(tool, args, ct, workingDirectory: dir);
            foreach (var (i, key, entry) in todo)
            {
                string obj = Path.Combine(dir, key + ".o");
                CacheEntry made;
                if (r.Succeeded) made = await EntryAsync(version, flags, obj, target, ct);
                else
                {
                    // Pin the failure: this program alone.
                    var (_, one) = Command(target, programs[i].IncludeDirs ?? [], key + ".c", key + ".o");
                    var single = await tools.RunAsync(tool, one, ct, workingDirectory: dir);
                    made = single.Succeeded ? await EntryAsync(version, flags, obj, target, ct) : new CacheEntry(version, flags, single.ErrorSummary(300), []);
                }
                // A cache entry appears whole or not at all (a killed run leaves no torn entry).
                Directory.CreateDirectory(Path.GetDirectoryName(entry)!);
                AtomicFile.WriteBytes(entry, JsonSerializer.SerializeToUtf8Bytes(made));
                results[i] = ToResult(made, false, key, programs[i]);
            }
        }
        finally
        {
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
        return results!;
    }

    private async Task<CacheEntry> EntryAsync(string version, string flags, string obj, Target target, CancellationToken ct)
    {
        var functions = await FunctionExtractor.ExtractAsync(await File.ReadAllBytesAsync(obj, ct), target.Isa, obj, tools, ct);
        return new CacheEntry(version, flags, null, functions.Select(f => new CachedFunction(f.Name, f.Bytes, f.Relocations, f.Disassembly)).ToList());
    }

    /// <summary>The cached entry as a result; a failure's compiler output names the program (its
    /// file, or its id) where the compiler saw the scratch file KEY.c.</summary>
    private static Result ToResult(CacheEntry e, bool cached, string key, CorpusProgram program) =>
        new(e.Functions.Select(f => new ExtractedFunction(f.Name, f.Bytes, f.Relocations, f.Disassembly)).ToList(), e.CompilerVersion, e.Flags, cached,
            e.Failure?.Replace(key + ".c", program.File is null ? program.Id : Path.GetFileName(program.File), StringComparison.Ordinal));
}

using System.Diagnostics;
using Sourceless.Corpus;
using Sourceless.Targets;
using Sourceless.Tools;

namespace Sourceless.Bench;

/// <summary>One side of the corpus benchmark: how long the same compiles took, and pairs per second.</summary>
public sealed record CorpusSide(string Way, int Compiles, int Pairs, double Seconds)
{
    public double PairsPerSecond => Seconds > 0 ? Pairs / Seconds : 0;
}

/// <summary>
/// `sourceless bench corpus`: the same exprgen programs compiled four ways in one run, at the same
/// parallelism: by the raw compiler driven by xargs -P, one file per compiler run and then as many
/// per run as Sourceless batches (the floors), through `sourceless corpus` with an empty cache
/// (compile + split into records + write Parquet), and again with the cache warm. Prints pairs per second for each, Sourceless's overhead over the raw compiles, and the
/// cached re-run's speed-up.
/// </summary>
public sealed class CorpusBenchmark(string work, ToolRunner tools)
{
    public async Task<(CorpusSide Raw, CorpusSide RawBatched, CorpusSide Cold, CorpusSide Cached)> RunAsync(int programs, Target target, int jobs, ulong seed, Action<string> log, CancellationToken ct)
    {
        Directory.CreateDirectory(work);
        string src = Path.Combine(work, "programs");
        Directory.CreateDirectory(src);
        var list = Enumerable.Range(0, programs).Select(i => ExprGen.Program(seed, 1, i)).ToList();
        for (int i = 0; i < list.Count; i++) await File.WriteAllTextAsync(Path.Combine(src, $"p{i:D6}.c"), list[i].Source, ct);
        await Toolchain.CheckAsync([target], tools, ct);

        // The raw floor: the very command line CorpusCompiler runs, one per program, xargs -P jobs.
        var (tool, args) = CorpusCompiler.Command(target, [], "\"$0\"", "\"$0.o\"");
        string compile = CommandLine.Format(tool, args.Take(args.Count - 4)) + " -c \"$0\" -o \"$0.o\"";
        string script = $"cd {CommandLine.Quote(src)} && ls p*.c | xargs -P {jobs} -n 1 sh -c {CommandLine.Quote(compile)}";
        log($"[bench corpus] warm-up, then {programs} compiles of exprgen tier 1 for {target}, {jobs} at a time, three ways");
        await tools.RunAsync("sh", ["-c", script.Replace("ls p*.c", "ls p*.c | head -20")], ct);
        var sw = Stopwatch.StartNew();
        var raw = await tools.RunAsync("sh", ["-c", script], ct, timeout: TimeSpan.FromHours(1));
        double rawSeconds = sw.Elapsed.TotalSeconds;
        if (!raw.Succeeded) throw new ToolFailedException("the raw compile loop", raw);
        int objects = Directory.EnumerateFiles(src, "*.o").Count();
        log($"[bench corpus] raw xargs -P{jobs}: {rawSeconds:0.00} s");
        // The same compiles with as many files per compiler run as Sourceless batches: what is
        // left between this and Sourceless is Sourceless's own work.
        foreach (var o in Directory.EnumerateFiles(src, "*.o")) File.Delete(o);
        string batched = $"cd {CommandLine.Quote(src)} && ls p*.c | xargs -P {jobs} -n {CorpusCompiler.Batch} {CommandLine.Format(tool, args.Take(args.Count - 4))} -c";
        sw.Restart();
        var rawBatch = await tools.RunAsync("sh", ["-c", batched], ct, timeout: TimeSpan.FromHours(1));
        double batchSeconds = sw.Elapsed.TotalSeconds;
        if (!rawBatch.Succeeded) throw new ToolFailedException("the raw batched compile loop", rawBatch);
        int batchObjects = Directory.EnumerateFiles(src, "*.o").Count();
        log($"[bench corpus] raw xargs -P{jobs} -n {CorpusCompiler.Batch}: {batchSeconds:0.00} s");

        string cache = Path.Combine(work, "cache");
        CorpusOptions Options(string name) => new(["exprgen"], [1], programs, [target], Path.Combine(work, name), "parquet", 0, 1, seed, jobs, 2000, cache);
        var cold = await new CorpusRunner(Options("cold"), tools).RunAsync(ct);
        log($"[bench corpus] sourceless corpus, empty cache: {cold.Seconds:0.00} s, {cold.Records} records");
        var warm = await new CorpusRunner(Options("cached"), tools).RunAsync(ct);
        log($"[bench corpus] sourceless corpus, warm cache: {warm.Seconds:0.00} s ({warm.CompilesCached} of {warm.Compiles} cached)");
        if (warm.CompilesCached != warm.Compiles) throw new InvalidOperationException("the second run was not served from the cache");
        return (new CorpusSide("raw compiler, xargs -P, one file per run", objects, objects, rawSeconds),
                new CorpusSide($"raw compiler, xargs -P, {CorpusCompiler.Batch} files per run", batchObjects, batchObjects, batchSeconds),
                new CorpusSide("sourceless corpus, empty cache", cold.Compiles, cold.Records, cold.Seconds),
                new CorpusSide("sourceless corpus, cached re-run", warm.Compiles, warm.Records, warm.Seconds));
    }
}

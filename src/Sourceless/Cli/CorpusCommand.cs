using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Sourceless.Corpus;
using Sourceless.Tools;

namespace Sourceless.Cli;

/// <summary><c>sourceless corpus</c> and <c>sourceless corpus merge</c>: the essay's "a compiler
/// makes endless source/binary pairs", as a tool (docs/corpus-schema.md).</summary>
public static class CorpusCommand
{
    public static Command Create()
    {
        var sources = new Option<string?>("--sources") { Description = "Program sources, comma-separated: exprgen (seeded small C functions), tasks (the built-in tasks, with their I/O tests), csmith (Debian's Csmith; its checksum is the oracle), dir:PATH (every .c file under PATH). Default: exprgen." };
        var tiers = new Option<string?>("--tiers") { Description = "exprgen tiers, comma-separated: 1 one expression over 1-3 int parameters; 2 adds comparisons, ternaries, locals; 3 adds loops, a small array, a call; 4 loops, arrays, pointers, structs, string literals and calls over int parameters; 5 pointer, string and struct parameters (the shapes of the built-in tasks). Default: 1." };
        var count = new Option<int>("--count", "-n") { Description = "Programs per exprgen tier, and Csmith programs.", DefaultValueFactory = _ => 1000 };
        var targets = new Option<string?>("--targets") { Description = "Compile matrix: isa/compiler/level items, comma-separated, '*' wildcards over x86_64, aarch64, riscv64 x gcc, clang x -O0..-O3. Default: x86_64/gcc/-O2." };
        var outDir = new Option<string>("--out", "-o") { Description = "Folder for the corpus files (one per chunk of programs). A re-run with the same settings continues where it stopped.", Required = true };
        var format = new Option<string>("--format") { Description = "parquet (default; DuckDB and Hugging Face datasets read it as it is) or jsonl (bytes as hex; for small runs).", DefaultValueFactory = _ => "parquet" };
        var shard = new Option<string?>("--shard") { Description = "K/N: make only the programs whose index is K modulo N (a deterministic partition); 'corpus merge' unions the N folders. Default 0/1." };
        var seed = new Option<ulong>("--seed") { Description = "Seed of exprgen and Csmith (default 1). Same seed, same corpus.", DefaultValueFactory = _ => 1 };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Compiles in parallel (default: number of cores).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var chunk = new Option<int>("--chunk") { Description = "Programs per output file (the unit a killed run redoes).", DefaultValueFactory = _ => 2000 };
        var cache = new Option<string?>("--cache") { Description = "Content-addressed compile cache (default: $XDG_CACHE_HOME/sourceless/corpus or ~/.cache/sourceless/corpus)." };
        var json = new Option<bool>("--json") { Description = "Print the run's figures as one JSON object on stdout." };
        var cmd = new Command("corpus",
            "Generate paired source/binary training data at compiler speed: C programs from pluggable sources, compiled for a matrix of targets in parallel " +
            "through a content-addressed cache, split into per-function records (bytes, relocations, disassembly, source, target, compiler version and flags, " +
            "hashes, I/O tests for tasks), deduplicated, written as Parquet shards (or JSONL) atomically.");
        foreach (var o in new Option[] { sources, tiers, count, targets, outDir, format, shard, seed, jobs, chunk, cache, json }) cmd.Options.Add(o);
        cmd.SetAction((pr, ct) => CliAction.RunAsync(async () =>
        {
            string fmt = pr.GetValue(format)!;
            if (!ShardFiles.Formats.Contains(fmt)) throw new UserError($"--format: expected parquet or jsonl, got '{fmt}'");
            if (pr.GetValue(count) < 0) throw new UserError("--count must be zero or more");
            if (pr.GetValue(chunk) < 1) throw new UserError("--chunk must be at least 1");
            var (k, n) = CorpusOptions.ParseShard(pr.GetValue(shard));
            var options = new CorpusOptions(ProgramSources.ParseNames(pr.GetValue(sources)), CorpusOptions.ParseTiers(pr.GetValue(tiers)), pr.GetValue(count),
                CorpusOptions.ParseTargets(pr.GetValue(targets)), Path.GetFullPath(pr.GetValue(outDir)!), fmt, k, n, pr.GetValue(seed),
                Math.Clamp(pr.GetValue(jobs), 1, 64), pr.GetValue(chunk), Path.GetFullPath(pr.GetValue(cache) ?? CorpusOptions.DefaultCache));
            var summary = await new CorpusRunner(options, ToolRunner.Shared).RunAsync(ct);
            Console.Error.WriteLine("corpus: " + CorpusRunner.Describe(summary));
            if (summary.CompileFailures > 0)
            {
                // Counted is not enough: name the first ones and where the rest are.
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"corpus: {summary.CompileFailures} compile{(summary.CompileFailures == 1 ? "" : "s")} failed, the first {summary.FirstFailures.Count} (all in {summary.FailuresFile}):"));
                foreach (var f in summary.FirstFailures) Console.Error.WriteLine($"  {f.File} for {f.Target}: {f.Error}");
            }
            if (pr.GetValue(json)) Console.WriteLine(JsonSerializer.Serialize(new
            {
                command = "corpus",
                output = options.Out,
                shard = $"{k}/{n}",
                programs = summary.Programs,
                compiles = summary.Compiles,
                compiles_cached = summary.CompilesCached,
                compile_failures = summary.CompileFailures,
                failures_file = summary.FailuresFile,
                records = summary.Records,
                duplicates = summary.Duplicates,
                files_written = summary.FilesWritten,
                files_skipped = summary.FilesSkipped,
                seconds = Math.Round(summary.Seconds, 3),
                pairs_per_s = Math.Round(summary.PairsPerSecond, 1),
            }));
            else Console.WriteLine(options.Out);
            return 0;
        }));

        var inputs = new Argument<string[]>("inputs") { Description = "Corpus folders to union (e.g. the N shard folders).", Arity = ArgumentArity.OneOrMore };
        var mergeOut = new Option<string>("--out", "-o") { Description = "New folder for the merged corpus.", Required = true };
        var mergeFormat = new Option<string>("--format") { Description = "parquet or jsonl.", DefaultValueFactory = _ => "parquet" };
        var perFile = new Option<int>("--chunk-records") { Description = "Records per merged file.", DefaultValueFactory = _ => 100_000 };
        var merge = new Command("merge", "Union corpus folders into one: records in program order, each duplicate kept only at its first program; the N shards of a partition merge into exactly the unsharded corpus.");
        merge.Arguments.Add(inputs);
        foreach (var o in new Option[] { mergeOut, mergeFormat, perFile }) merge.Options.Add(o);
        merge.SetAction((pr, ct) => CliAction.RunAsync(async () =>
        {
            string fmt = pr.GetValue(mergeFormat)!;
            if (!ShardFiles.Formats.Contains(fmt)) throw new UserError($"--format: expected parquet or jsonl, got '{fmt}'");
            var (files, records, duplicates, written) = await CorpusMerge.RunAsync(pr.GetValue(inputs)!, Path.GetFullPath(pr.GetValue(mergeOut)!), fmt, pr.GetValue(perFile), ct);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"corpus merge: {records} records from {files} files ({duplicates} duplicates dropped) into {written} files"));
            Console.WriteLine(Path.GetFullPath(pr.GetValue(mergeOut)!));
            return 0;
        }));
        cmd.Subcommands.Add(merge);
        return cmd;
    }
}

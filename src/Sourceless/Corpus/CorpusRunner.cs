using System.Diagnostics;
using System.Globalization;
using Sourceless.Harness;
using Sourceless.Targets;
using Sourceless.Tools;
using Sourceless.Trials;

namespace Sourceless.Corpus;

/// <summary>What a corpus run did, for the summary line, --json and the benchmark. FirstFailures
/// are this run's first compile failures in program order (at most <see cref="FailuresShown"/>);
/// FailuresFile lists all of them, and those of earlier runs into the folder.</summary>
public sealed record CorpusSummary(int Programs, int Compiles, int CompilesCached, int CompileFailures, int Records, int Duplicates,
    int FilesWritten, int FilesSkipped, double Seconds, IReadOnlyList<CorpusFailure> FirstFailures, string FailuresFile)
{
    public const int FailuresShown = 5;

    public double PairsPerSecond => Seconds > 0 ? Records / Seconds : 0;
}

/// <summary>
/// Makes one shard of a corpus: the shard's programs in chunks of --chunk programs, each chunk's
/// (program x target) compiles in parallel through <see cref="CorpusCompiler"/>, records sorted
/// into a fixed order, duplicates (same target, function, source and bytes) dropped in favour of
/// the first, and one file per chunk written atomically. A re-run skips the chunks whose file
/// exists, reading their record ids back so deduplication carries on exactly as before.
/// </summary>
public sealed class CorpusRunner(CorpusOptions options, ToolRunner tools)
{
    public const string ManifestName = "corpus-settings.txt";

    public async Task<CorpusSummary> RunAsync(CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        Directory.CreateDirectory(options.Out);
        CheckManifest();
        var compiler = new CorpusCompiler(options.Cache, Path.Combine(options.Cache, ".work"), tools);
        // Only the compilers (and objdump off x86_64): the sandbox is needed for Csmith's oracle alone.
        var missing = options.Targets.SelectMany(t => new[] { Toolchain.Compiler(t.Compiler, t.Isa).Tool, t.Isa.Objdump }).Distinct().Where(x => !Toolchain.OnPath(x)).ToList();
        if (missing.Count > 0) throw new UserError($"missing toolchain: {string.Join(", ", missing)} not found on PATH (./sourceless installs them with apt-get)");
        var csmith = new CsmithOracle(Path.Combine(options.Cache, ".csmith"), options.Jobs, tools);
        var failureLog = new CorpusFailures(options.Out);
        var firstFailures = new List<CorpusFailure>();

        var seen = new HashSet<string>(StringComparer.Ordinal);
        int programs = 0, compiles = 0, cached = 0, failed = 0, records = 0, duplicates = 0, written = 0, skipped = 0;
        var chunks = ProgramSources.Enumerate(options.Sources, options.Tiers, options.Count, options.Seed, options.Shard, options.Shards)
            .Chunk(options.ChunkPrograms).Select((c, i) => (Programs: c, Index: i));
        foreach (var (chunk, index) in chunks)
        {
            programs += chunk.Length;
            string file = Path.Combine(options.Out, $"part-{options.Shard:D4}-of-{options.Shards:D4}-{index:D5}.{options.Format}");
            if (File.Exists(file))
            {
                foreach (var r in await ShardFiles.ReadAsync(file, ct)) seen.Add(r.RecordId);
                skipped++;
                continue;
            }
            var pairs = (from p in chunk from t in options.Targets select (Program: p, Target: t)).ToList();
            var progress = new ProgressReporter($"corpus {Path.GetFileName(file)}", pairs.Count);
            var made = new List<CorpusRecord>[pairs.Count];
            var failures = new CorpusFailure?[pairs.Count];
            var oracles = new Dictionary<long, string?>();
            foreach (var p in chunk.Where(p => p.Origin == "csmith")) oracles[p.Index] = await csmith.ChecksumAsync(p, ct);
            // Batches of programs that share a target and include folders: one compiler run each.
            var batches = Enumerable.Range(0, pairs.Count)
                .GroupBy(i => (pairs[i].Target, string.Join('\n', pairs[i].Program.IncludeDirs ?? [])))
                .SelectMany(g => g.Chunk(CorpusCompiler.Batch)).ToList();
            await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = options.Jobs, CancellationToken = ct }, async (batch, token) =>
            {
                var target = pairs[batch[0]].Target;
                var results = await compiler.CompileAsync(batch.Select(i => pairs[i].Program).ToList(), target, token);
                for (int b = 0; b < batch.Length; b++)
                {
                    var (program, _) = pairs[batch[b]];
                    var result = results[b];
                    if (result.Cached) Interlocked.Increment(ref cached);
                    if (result.Failure is not null) failures[batch[b]] = CorpusFailures.Of(program, target, result.Failure);
                    made[batch[b]] = result.Functions.Select(f => Record(program, target, result, f, oracles.GetValueOrDefault(program.Index))).ToList();
                    progress.Tick(result.Failure is null);
                }
            });
            compiles += pairs.Count;
            // Listed before the chunk's file is written: a run killed in between lists them again
            // on the re-run, which the log ignores, rather than never.
            var chunkFailures = failures.OfType<CorpusFailure>().ToList();
            failed += chunkFailures.Count;
            firstFailures.AddRange(chunkFailures.Take(CorpusSummary.FailuresShown - firstFailures.Count));
            await failureLog.AppendAsync(chunkFailures, ct);
            var keep = new List<CorpusRecord>();
            foreach (var r in made.SelectMany(m => m))
            {
                if (seen.Add(r.RecordId)) keep.Add(r);
                else duplicates++;
            }
            await ShardFiles.WriteAsync(file, keep, ct);
            records += keep.Count;
            written++;
        }
        return new CorpusSummary(programs, compiles, cached, failed, records, duplicates, written, skipped, sw.Elapsed.TotalSeconds, firstFailures, failureLog.Path);
    }

    private void CheckManifest()
    {
        string path = Path.Combine(options.Out, ManifestName);
        if (File.Exists(path))
        {
            string existing = File.ReadAllText(path);
            if (existing != options.Identity)
                throw new UserError($"{options.Out} already holds a corpus made with other settings ({path}); use another --out, or the same settings to continue it");
            return;
        }
        if (ShardFiles.List(options.Out).Count > 0) throw new UserError($"{options.Out} holds corpus files but no {ManifestName}: refusing to mix corpora");
        File.WriteAllText(path, options.Identity);
    }

    public static CorpusRecord Record(CorpusProgram program, Target target, CorpusCompiler.Result result, ExtractedFunction f, string? oracle)
    {
        string sourceSha = Workspace.Hash(program.Source), bytesSha = Workspace.Hash(f.Bytes);
        return new CorpusRecord
        {
            RecordId = Workspace.Hash($"{target.Id}\n{f.Name}\n{sourceSha}\n{bytesSha}"),
            ProgramIndex = program.Index,
            ProgramId = program.Id,
            Origin = program.Origin,
            Tier = program.Tier,
            Function = f.Name,
            Source = program.Source,
            SourceSha256 = sourceSha,
            Target = target.Id,
            Isa = target.Isa.Name,
            Compiler = target.Compiler,
            Opt = target.OptLevel,
            CompilerVersion = result.CompilerVersion,
            Flags = result.Flags,
            Bytes = f.Bytes,
            Size = f.Bytes.Length,
            BytesSha256 = bytesSha,
            Relocations = f.Relocations,
            Disassembly = f.Disassembly,
            Tests = program.Tests ?? oracle,
        };
    }

    public static string Describe(CorpusSummary s) => string.Create(CultureInfo.InvariantCulture,
        $"{s.Records} records ({s.Duplicates} duplicates dropped) from {s.Programs} programs, {s.Compiles} compiles ({s.CompilesCached} cached, {s.CompileFailures} failed), {s.FilesWritten} files written, {s.FilesSkipped} already there, {s.Seconds:0.0} s, {s.PairsPerSecond:0.0} pairs/s");
}

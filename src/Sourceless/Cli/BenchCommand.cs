using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Sourceless.Bench;
using Sourceless.Targets;

namespace Sourceless.Cli;

/// <summary><c>sourceless bench ...</c>: speed targets measured side by side in one run.</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var mutants = new Option<int>("--mutants") { Description = "Single-bit mutants per ISA (the same set both ways).", DefaultValueFactory = _ => 200 };
        var task = new Option<string>("--task") { Description = "Task whose gcc -O2 artifact is mutated.", DefaultValueFactory = _ => "dot_product" };
        var isas = new Option<string>("--isas") { Description = "ISAs to measure, comma-separated.", DefaultValueFactory = _ => "x86_64,aarch64" };
        var json = new Option<bool>("--json") { Description = "Print the figures as one JSON object on stdout." };
        var keep = new Option<bool>("--keep-work") { Description = "Keep the work folder (drivers, images, expected outputs) and print its path, to re-run a mutant by hand." };
        var flips = new Command("flips",
            "Run the same bit-flip mutants one sandboxed process per mutant, through the persistent runner with a fork per mutant, and through its loop child " +
            "(many mutants per child, memory put back between them), all in the same sandbox; print mutants/s for each, the ratios to one process per mutant, " +
            "on how many mutants the outcomes differ from it (exit 1 if any), and the machine's raw fork rates as reference points.");
        foreach (var o in new Option[] { mutants, task, isas, json, keep }) flips.Options.Add(o);
        flips.SetAction((pr, ct) => CliAction.RunAsync(async () =>
        {
            var isaList = pr.GetValue(isas)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Isa.Parse).ToList();
            int n = pr.GetValue(mutants);
            if (n < 1) throw new UserError("--mutants must be at least 1");
            await Toolchain.CheckAsync(isaList.Select(i => new Target(i, "gcc", "-O2")), Tools.ToolRunner.Shared, ct);
            string work = Path.Combine("/var/tmp", $"sourceless-bench-{Environment.ProcessId}");
            try
            {
                var (rows, reference) = await new FlipsBenchmark(work).RunAsync(pr.GetValue(task)!, n, isaList, s => Console.Error.WriteLine(s), ct);
                if (pr.GetValue(json)) PrintJson(rows, reference);
                else Print(rows, reference);
                return rows.Any(r => r.Mismatches > 0 || r.ForkEachMismatches > 0) ? 1 : 0;
            }
            finally
            {
                CleanUp(work, pr.GetValue(keep) ? $"[bench flips] work folder kept: {work}" : null);
            }
        }));
        var cmd = new Command("bench", "Benchmarks that print ratios measured side by side in one run.");
        cmd.Subcommands.Add(flips);
        cmd.Subcommands.Add(NeuralCommand());
        cmd.Subcommands.Add(Corpus());
        cmd.Subcommands.Add(Import());
        cmd.Subcommands.Add(Trial());
        return cmd;
    }

    /// <summary>Removes a benchmark's work folder, or keeps it and says so (<paramref name="kept"/>:
    /// the line to print). A folder that cannot be removed is left: the figures are printed already.</summary>
    private static void CleanUp(string work, string? kept)
    {
        if (kept is not null) Console.Error.WriteLine(kept);
        else try { Directory.Delete(work, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary><c>bench trial</c>: the default trial's stage split against a baseline, measured in one run.</summary>
    private static Command Trial()
    {
        var baseline = new Option<string?>("--baseline") { Description = "An older build's sourceless.dll to run as the baseline (e.g. main built in another checkout). Default: this build with every test run in a sandbox of its own (SOURCELESS_RUNS=process)." };
        var tasks = new Option<string>("--tasks") { Description = "The trial's --tasks.", DefaultValueFactory = _ => "all" };
        var contenders = new Option<string>("--contenders") { Description = "The trial's --contenders, given to both builds (default: this build's default contenders; an older build's default may differ).", DefaultValueFactory = _ => Contenders.ContenderRegistry.Defaults };
        var json = new Option<bool>("--json") { Description = "Print the figures as one JSON object on stdout." };
        var keep = new Option<bool>("--keep-work") { Description = "Keep the three run folders (to compare their rows) and print where they are." };
        var cmd = new Command("trial",
            "Run the same trial three times, each as its own process: the baseline with an empty driver cache, this build with an empty driver cache, and this build again in a new folder with the cache warm. " +
            "Prints each run's stage split, the ratios against the baseline, and whether the scores agree.");
        foreach (var o in new Option[] { baseline, tasks, contenders, json, keep }) cmd.Options.Add(o);
        cmd.SetAction((pr, ct) => CliAction.RunAsync(async () =>
        {
            string? dll = pr.GetValue(baseline);
            if (dll is not null && !File.Exists(dll)) throw new UserError($"--baseline {dll}: no such file (give the path of an older build's sourceless.dll)");
            var args = new List<string> { "--tasks", pr.GetValue(tasks)!, "--contenders", pr.GetValue(contenders)! };
            string work = Path.Combine("/var/tmp", $"sourceless-bench-trial-{Environment.ProcessId}");
            try
            {
                var sides = await new Bench.TrialBenchmark(work).RunAsync(dll is null ? null : Path.GetFullPath(dll), args, s => Console.Error.WriteLine(s), ct);
                var (a, b, c2) = (sides[0], sides[1], sides[2]);
                var same = Bench.TrialBenchmark.CompareScores(a, b);
                var sameAgain = Bench.TrialBenchmark.CompareScores(b, c2);
                var stageNames = sides.SelectMany(s => s.Stages.Select(x => x.Stage)).Distinct().ToList();
                double Stage(Bench.TrialSide s, string n) => s.Stages.Where(x => x.Stage == n).Sum(x => x.Seconds);
                if (pr.GetValue(json))
                    Console.WriteLine(JsonSerializer.Serialize(new
                    {
                        bench = "trial",
                        trial_args = args,
                        sides = sides.Select(s => new { way = s.Way, seconds = Math.Round(s.Seconds, 1), stages = stageNames.ToDictionary(n => n, n => Math.Round(Stage(s, n), 1)) }),
                        ratio_this_vs_baseline = Math.Round(b.Seconds / a.Seconds, 3),
                        ratio_second_run_vs_baseline = Math.Round(c2.Seconds / a.Seconds, 3),
                        scores_equal = new { same = same.Same, total = same.Total, differ = same.Differ },
                        scores_equal_second_run = new { same = sameAgain.Same, total = sameAgain.Total, differ = sameAgain.Differ },
                    }));
                else
                {
                    Console.WriteLine("| stage | a: baseline | b: this build | c: second run |");
                    Console.WriteLine("|---|---:|---:|---:|");
                    foreach (var n in stageNames)
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {n} | {Stage(a, n):0.0} | {Stage(b, n):0.0} | {Stage(c2, n):0.0} |"));
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| **whole process, wall** | **{a.Seconds:0.0}** | **{b.Seconds:0.0}** | **{c2.Seconds:0.0}** |"));
                    Console.WriteLine();
                    foreach (var s in sides) Console.WriteLine($"{s.Way}: {s.Folder}");
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"this build / baseline = {b.Seconds / a.Seconds:0.000} (goal <= 0.5)"));
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"second run / baseline = {c2.Seconds / a.Seconds:0.000} (goal <= 0.333)"));
                    Console.WriteLine($"scores equal to the baseline's: {same.Same} of {same.Total}{(same.Differ.Count > 0 ? "; differ: " + string.Join("; ", same.Differ) : "")}");
                    Console.WriteLine($"second run's scores equal to the first's: {sameAgain.Same} of {sameAgain.Total}{(sameAgain.Differ.Count > 0 ? "; differ: " + string.Join("; ", sameAgain.Differ) : "")}");
                }
                return 0;
            }
            finally
            {
                CleanUp(work, pr.GetValue(keep) ? $"work kept in {work}" : null);
            }
        }));
        return cmd;
    }

    /// <summary><c>bench import</c>: functions per second of <c>tasks import</c> and where the time
    /// goes, against an older build's in the same run when one is given.</summary>
    private static Command Import()
    {
        var source = new Argument<string[]>("SOURCE") { Description = "What to import (default: the import tests' C fixtures).", Arity = ArgumentArity.ZeroOrMore };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Files in parallel (default: cores), the same for both builds.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var baseline = new Option<string?>("--baseline") { Description = "An older build's sourceless.dll that imports the same sources first (e.g. main built in another checkout); the ratio and whether both wrote the same suite are printed." };
        var json = new Option<bool>("--json") { Description = "Print the figures as one JSON object on stdout." };
        var keep = new Option<bool>("--keep-work") { Description = "Keep the suites and scratch folders and print where they are." };
        var cmd = new Command("import",
            "Import C sources into a scratch suite, each build as its own process with an empty driver cache, and print functions per second and the share of worker time " +
            "in parsing (clang's AST), building (sanitized and per-target builds, drivers) and test runs (sandboxed); with --baseline, an older build first, the ratio and whether the suites agree.");
        cmd.Arguments.Add(source);
        foreach (var o in new Option[] { jobs, baseline, json, keep }) cmd.Options.Add(o);
        cmd.SetAction((pr, ct) => CliAction.RunAsync(async () =>
        {
            var sources = (pr.GetValue(source) is { Length: > 0 } given ? given
                : [Path.Combine(Harness.SourcelessHome.Path, "tests", "Sourceless.Tests", "Tasks", "Import", "fixtures", "c")]).Select(Path.GetFullPath).ToList();
            foreach (var s in sources)
                if (!Directory.Exists(s) && !File.Exists(s)) throw new UserError($"bench import: {s} does not exist");
            string? dll = pr.GetValue(baseline);
            if (dll is not null && !File.Exists(dll)) throw new UserError($"--baseline {dll}: no such file (give the path of an older build's sourceless.dll)");
            int j = pr.GetValue(jobs);
            if (j < 1) throw new UserError("--jobs must be at least 1");
            string work = Path.Combine("/var/tmp", $"sourceless-bench-import-{Environment.ProcessId}");
            try
            {
                var sides = await new ImportBenchmark(work).RunAsync(dll is null ? null : Path.GetFullPath(dll), sources, j, s => Console.Error.WriteLine(s), ct);
                var mine = sides[^1];
                var baseSide = sides.Count > 1 ? sides[0] : null;
                var differ = baseSide is null ? null : ImportBenchmark.CompareSuites(baseSide.Suite, mine.Suite);
                if (pr.GetValue(json))
                    Console.WriteLine(JsonSerializer.Serialize(new
                    {
                        bench = "import",
                        sides = sides.Select(s => new
                        {
                            way = s.Way, files = s.Files, functions = s.Functions, candidates = s.Candidates, accepted = s.Accepted,
                            seconds = Math.Round(s.Seconds, 2), wall_seconds = Math.Round(s.WallSeconds, 2),
                            functions_per_second = Math.Round(s.FunctionsPerSecond, 2),
                            parse_share = Math.Round(s.ParseShare, 3), build_share = Math.Round(s.BuildShare, 3), run_share = Math.Round(s.RunShare, 3),
                        }),
                        ratio_this_vs_baseline = baseSide is null ? (double?)null : Math.Round(mine.Seconds / baseSide.Seconds, 3),
                        suite_files_differ = differ,
                    }));
                else
                {
                    Console.WriteLine("| build | files | functions | candidates | accepted | import s | functions/s | parse | build | test runs |");
                    Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
                    foreach (var s in sides)
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"| {s.Way} | {s.Files} | {s.Functions} | {s.Candidates} | {s.Accepted} | {s.Seconds:0.0} | {s.FunctionsPerSecond:0.00} | {100 * s.ParseShare:0.0}% | {100 * s.BuildShare:0.0}% | {100 * s.RunShare:0.0}% |"));
                    Console.WriteLine("(parse, build, test runs: shares of the workers' summed time; import s: the import's own clock, without the process start)");
                    if (baseSide is not null)
                    {
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"this build / baseline = {mine.Seconds / baseSide.Seconds:0.000}"));
                        Console.WriteLine(differ!.Count == 0 ? "suites: the same files, byte for byte (import.json aside)"
                            : $"suites: {differ.Count} file(s) differ, e.g. {string.Join(", ", differ.Take(5))}");
                    }
                }
                return differ is { Count: > 0 } ? 1 : 0;
            }
            finally
            {
                CleanUp(work, pr.GetValue(keep) ? $"work kept in {work}" : null);
            }
        }));
        return cmd;
    }

    private static Command Corpus()
    {
        var programs = new Option<int>("--programs") { Description = "exprgen tier-1 programs compiled each way.", DefaultValueFactory = _ => 2400 };
        var target = new Option<string>("--target") { Description = "The target compiled for (isa/compiler/level).", DefaultValueFactory = _ => "x86_64/gcc/-O2" };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Parallel compiles, the same for every way.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var json = new Option<bool>("--json") { Description = "Print the figures as one JSON object on stdout." };
        var cmd = new Command("corpus",
            "Compile the same exprgen programs with the raw compiler under xargs -P, through 'sourceless corpus' with an empty cache, and again cached, at the same parallelism; " +
            "print pairs/s for each, Sourceless's overhead over the raw compiles (goal: under 10%) and the cached re-run's speed-up (goal: at least 50x).");
        foreach (var o in new Option[] { programs, target, jobs, json }) cmd.Options.Add(o);
        cmd.SetAction((pr, ct) => CliAction.RunAsync(async () =>
        {
            int n = pr.GetValue(programs);
            if (n < 1) throw new UserError("--programs must be at least 1");
            var t = Sourceless.Corpus.CorpusOptions.ParseTargets(pr.GetValue(target));
            if (t.Count != 1) throw new UserError("--target names one target");
            string work = Path.Combine("/var/tmp", $"sourceless-bench-corpus-{Environment.ProcessId}");
            try
            {
                var (raw, rawBatched, cold, cached) = await new CorpusBenchmark(work, Tools.ToolRunner.Shared).RunAsync(n, t[0], Math.Clamp(pr.GetValue(jobs), 1, 64), 1, s => Console.Error.WriteLine(s), ct);
                double overhead = cold.Seconds / raw.Seconds - 1, overheadBatched = cold.Seconds / rawBatched.Seconds - 1, speedup = cold.Seconds / cached.Seconds;
                if (pr.GetValue(json))
                    Console.WriteLine(JsonSerializer.Serialize(new
                    {
                        bench = "corpus",
                        target = t[0].Id,
                        programs = n,
                        jobs = pr.GetValue(jobs),
                        sides = new[] { raw, rawBatched, cold, cached }.Select(s => new { way = s.Way, compiles = s.Compiles, pairs = s.Pairs, seconds = Math.Round(s.Seconds, 3), pairs_per_s = Math.Round(s.PairsPerSecond, 1) }),
                        overhead_vs_raw = Math.Round(overhead, 4),
                        overhead_vs_raw_batched = Math.Round(overheadBatched, 4),
                        cached_speedup = Math.Round(speedup, 1),
                    }));
                else
                {
                    Console.WriteLine("| way | compiles | pairs | seconds | pairs/s |");
                    Console.WriteLine("|---|---:|---:|---:|---:|");
                    foreach (var s in new[] { raw, rawBatched, cold, cached })
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {s.Way} | {s.Compiles} | {s.Pairs} | {s.Seconds:0.00} | {s.PairsPerSecond:0.0} |"));
                    Console.WriteLine();
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sourceless / raw compiles, one file per run = {cold.Seconds / raw.Seconds:0.000} (overhead {overhead * 100:0.0}%, goal < 10%)"));
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sourceless / raw compiles, {Sourceless.Corpus.CorpusCompiler.Batch} files per run (as Sourceless batches) = {cold.Seconds / rawBatched.Seconds:0.000} (overhead {overheadBatched * 100:0.0}%)"));
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"empty cache / cached re-run = {speedup:0.0}x (goal >= 50x)"));
                }
                return 0;
            }
            finally
            {
                CleanUp(work, null);
            }
        }));
        return cmd;
    }

    private static void Print(IReadOnlyList<FlipsComparison> rows, BenchReference reference)
    {
        Console.WriteLine("| isa | way | mutants | seconds | mutants/s |");
        Console.WriteLine("|---|---|---:|---:|---:|");
        foreach (var r in rows)
            foreach (var side in r.Sides)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {r.Isa} | {side.Way} | {side.Mutants} | {side.Seconds:0.00} | {side.PerSecond:0.0} |"));
        Console.WriteLine();
        foreach (var r in rows)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Isa}: loop child / process per mutant = {r.Ratio:0.0}x, outcomes differ on {r.Mismatches} of {r.Loop.Mutants} mutants; " +
                $"fork per mutant / process per mutant = {r.ForkEachRatio:0.0}x, outcomes differ on {r.ForkEachMismatches}; " +
                $"on the {r.LoopEnded.Mutants} mutants that did not hang (no budget spent waiting one out) loop child / process per mutant = {r.EndedRatio:0.0}x"));
            foreach (var m in r.MismatchExamples) Console.WriteLine("  " + m);
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"reference: raw fork+exec+wait of a trivial static binary, no sandbox: {reference.ForkExecPerSecond:0} /s"));
        foreach (var (isa, rate) in reference.EmptyForkPerSecond)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"reference: fork+wait of an empty child on {isa}{(Isa.Parse(isa).IsNative ? "" : " under qemu-user")}, no sandbox: {rate:0} /s (the ceiling of one fork per mutant)"));
    }

    private static void PrintJson(IReadOnlyList<FlipsComparison> rows, BenchReference reference)
    {
        using var stdout = Console.OpenStandardOutput();
        using var w = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("bench", "flips");
        w.WriteNumber("fork_exec_per_s", Math.Round(reference.ForkExecPerSecond, 1));
        w.WriteStartObject("empty_fork_per_s");
        foreach (var (isa, rate) in reference.EmptyForkPerSecond) w.WriteNumber(isa, Math.Round(rate, 1));
        w.WriteEndObject();
        w.WriteStartArray("comparisons");
        foreach (var r in rows)
        {
            w.WriteStartObject();
            w.WriteString("isa", r.Isa);
            w.WriteNumber("mutants", r.Loop.Mutants);
            w.WriteNumber("process_per_mutant_per_s", Math.Round(r.PerProcess.PerSecond, 2));
            w.WriteNumber("fork_per_mutant_per_s", Math.Round(r.ForkEach.PerSecond, 2));
            w.WriteNumber("loop_child_per_s", Math.Round(r.Loop.PerSecond, 2));
            w.WriteNumber("ratio", Math.Round(r.Ratio, 2));
            w.WriteNumber("fork_per_mutant_ratio", Math.Round(r.ForkEachRatio, 2));
            w.WriteNumber("mutants_that_ended", r.LoopEnded.Mutants);
            w.WriteNumber("ended_ratio", Math.Round(r.EndedRatio, 2));
            w.WriteNumber("outcome_mismatches", r.Mismatches);
            w.WriteNumber("fork_per_mutant_outcome_mismatches", r.ForkEachMismatches);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.Flush();
        stdout.WriteByte((byte)'\n');
    }

    private static Command NeuralCommand()
    {
        var threads = new Option<int>("--threads") { Description = "Threads for OpenBLAS and the row loops (default: cores).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var dim = new Option<int>("--dim") { Description = "Model width (default: the shipped model's).", DefaultValueFactory = _ => 128 };
        var layers = new Option<int>("--layers") { Description = "Layers.", DefaultValueFactory = _ => 3 };
        var heads = new Option<int>("--heads") { Description = "Heads.", DefaultValueFactory = _ => 4 };
        var batch = new Option<int>("--batch") { Description = "Sequences per training step.", DefaultValueFactory = _ => 32 };
        var context = new Option<int>("--context") { Description = "Context length in tokens (default: the shipped model's, 1024).", DefaultValueFactory = _ => 1024 };
        var length = new Option<int>("--length") { Description = "Tokens per sequence (tier-1 pairs are about 80, tier-4 pairs about 460, a built-in task's prompt and code 150-600).", DefaultValueFactory = _ => 400 };
        var steps = new Option<int>("--steps") { Description = "Timed training steps.", DefaultValueFactory = _ => 20 };
        var samples = new Option<int>("--samples") { Description = "K: samples of one prompt decoded one at a time and then as one batch (the cost of neural:T@best:K).", DefaultValueFactory = _ => 16 };
        var json = new Option<bool>("--json") { Description = "Print the figures as JSON on stdout." };
        var cmd = new Command("neural",
            "Training tokens/s, inference tokens/s, and the GFLOP/s of the model's matrix products against OpenBLAS sgemm replaying the same shapes at the same thread count, in one run.");
        foreach (var o in new Option[] { threads, dim, layers, heads, context, batch, length, steps, samples, json }) cmd.Options.Add(o);
        cmd.SetAction((pr, ct) => CliAction.RunAsync(() =>
        {
            int d = pr.GetValue(dim);
            var config = new Neural.ModelConfig(Neural.Tokenizer.VocabSize, pr.GetValue(context), d, pr.GetValue(layers), pr.GetValue(heads), 4 * d, Rope: true);
            config.Validate();
            if (pr.GetValue(length) < 4 || pr.GetValue(length) >= config.Context) throw new UserError($"--length must be 4..{config.Context - 1}");
            var r = NeuralBenchmark.Run(config, Math.Max(1, pr.GetValue(threads)), Math.Max(1, pr.GetValue(batch)), pr.GetValue(length), Math.Max(1, pr.GetValue(steps)), Console.Error,
                Math.Clamp(pr.GetValue(samples), 1, Contenders.Search.SearchStrategy.MaxCandidates));
            if (pr.GetValue(json)) { Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(r)); return Task.FromResult(0); }
            var inv = CultureInfo.InvariantCulture;
            Console.WriteLine($"bench neural: dim {d}, {config.Layers} layers, {config.Heads} heads, context {config.Context}, {config.ParameterCount:N0} parameters, {r.Threads} threads, batch {r.Batch} x {r.Length} tokens");
            Console.WriteLine(string.Create(inv, $"  training            {r.TrainTokensPerSecond,12:N0} tokens/s   ({1000 * r.StepSeconds:0.0} ms per step)"));
            Console.WriteLine(string.Create(inv, $"  inference (greedy)  {r.InferenceTokensPerSecond,12:N0} tokens/s   ({r.InferencePrompts} prompts, key/value cache)"));
            Console.WriteLine(string.Create(inv, $"  sampling {r.Samples,2} of one   {r.SampledOneAtATimeTokensPerSecond,12:N0} tokens/s one at a time, {r.SampledBatchTokensPerSecond:N0} as one batch (ratio {r.SampleBatchRatio:0.00})"));
            Console.WriteLine(string.Create(inv, $"  products in training {r.GemmGflopsInTraining,10:0.0} GFLOP/s    ({1000 * r.GemmSecondsPerStep:0.0} ms per step, {r.GemmFlopsPerStep / 1e9:0.00} GFLOP)"));
            Console.WriteLine(string.Create(inv, $"  OpenBLAS sgemm alone {r.OpenBlasGflopsAlone,10:0.0} GFLOP/s    (same shapes, same threads)"));
            Console.WriteLine(string.Create(inv, $"  ratio products / OpenBLAS alone: {r.GemmRatio:0.00}"));
            Console.WriteLine(string.Create(inv, $"  training / OpenBLAS-bound step ({r.BoundTokensPerSecond:N0} tokens/s): {r.ThroughputRatio:0.00}"));
            return Task.FromResult(0);
        }));
        return cmd;
    }
}

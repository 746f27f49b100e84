using System.Diagnostics;
using System.Globalization;
using Sourceless.Contenders;
using Sourceless.Harness;
using Sourceless.Sandbox;
using Sourceless.Tasks;
using Sourceless.Targets;
using Sourceless.Trials;
using Sourceless.Tools;

namespace Sourceless.Bench;

/// <summary>One side of a comparison: how many mutants, how long.</summary>
public sealed record BenchSide(string Way, int Mutants, double Seconds)
{
    public double PerSecond => Mutants / Math.Max(Seconds, 1e-9);
}

/// <summary>The three ways on one ISA, and on how many mutants each runner way disagreed with one
/// process per mutant.</summary>
/// <remarks>A hung mutant costs its CPU budget in every way, twice (the first look and the run that
/// decides, <see cref="PersistentRunner.RunAsync"/>): <see cref="EndedRatio"/> compares the ways on
/// the mutants that did not hang, which is what the harness itself costs.</remarks>
public sealed record FlipsComparison(string Isa, BenchSide PerProcess, BenchSide ForkEach, BenchSide Loop,
    int ForkEachMismatches, int Mismatches, IReadOnlyList<string> MismatchExamples, BenchSide PerProcessEnded, BenchSide LoopEnded)
{
    /// <summary>The loop child against one process per mutant: the figure the goal names.</summary>
    public double Ratio => Loop.PerSecond / PerProcess.PerSecond;
    public double ForkEachRatio => ForkEach.PerSecond / PerProcess.PerSecond;
    public double EndedRatio => LoopEnded.PerSecond / PerProcessEnded.PerSecond;
    public IEnumerable<BenchSide> Sides => [PerProcess, ForkEach, Loop, PerProcessEnded, LoopEnded];
}

/// <summary>
/// <c>sourceless bench flips</c>: the same single-bit mutants of one artifact, run (a) one
/// sandboxed process per mutant, as a straightforward harness would, (b) through the persistent
/// runner forking one child per mutant, and (c) through the persistent runner's loop child, many
/// mutants per child with its memory put back between them; on x86_64 and under qemu elsewhere.
/// (a) is the reference every other way's outcomes are compared with, mutant by mutant.
/// </summary>
public sealed class FlipsBenchmark(string workFolder)
{
    public async Task<(IReadOnlyList<FlipsComparison> Rows, BenchReference Reference)> RunAsync(string taskName, int mutants, IReadOnlyList<Isa> isas,
        Action<string> progress, CancellationToken ct)
    {
        // One job: both ways get the same single sandbox slot, so the ratio compares like with like.
        var services = new TrialServices(workFolder, 1);
        var task = TaskSuite.Load(SourcelessHome.TasksDir).Select(taskName)[0];
        var plan = await services.Planner.PlanAsync(task, task.V1, 1, ct);
        var rows = new List<FlipsComparison>();
        foreach (var isa in isas)
        {
            var target = new Target(isa, "gcc", "-O2");
            var gen = await new CompilerContender("gcc", services.Contenders).GenerateAsync(
                new GenerationRequest(task, task.V1, target, 0, 1, plan.Folder, services.Workspace.Dir("bench", isa.Name)), ct);
            var code = gen.Artifact?.Code ?? throw new InvalidOperationException($"gcc did not build {taskName} for {isa}: {gen.Failure}");
            var rng = new SplitMix64(SplitMix64.SeedFrom(1, "bench-flips", isa.Name));
            var bits = Enumerable.Range(0, code.Length * 8).OrderBy(_ => rng.NextUInt64()).Take(mutants).ToList();
            var flips = bits.Select(b => new FlipMutant(b, b / 8, (byte)(1 << (b % 8)))).ToList();
            int budget = MutantBudget.Ms(isa);
            var runner = new PersistentRunner(services.Runner);
            await runner.RunAsync(plan, isa, code, [new FlipMutant(-1, -1, 0)], budget, ct); // build and warm the driver outside the timings

            // (a) A fresh sandbox, driver (and qemu) per mutant. It goes through the same child code as
            // (b), one mutant per session and no warm-up, so the two differ only in process start-up.
            progress($"[bench flips] {isa}: {flips.Count} mutants, one sandboxed process each");
            var perProcess = new Dictionary<long, OutcomeKind>();
            double endedSeconds = 0; // (a)'s time on the mutants that did not hang, timed one by one
            var sw = Stopwatch.StartNew();
            foreach (var f in flips)
            {
                double before = sw.Elapsed.TotalSeconds;
                perProcess[f.Id] = (await runner.RunAsync(plan, isa, code, [f], budget, ct, warm: false, forkEach: true))[0].Kind;
                if (perProcess[f.Id] != OutcomeKind.TimedOut) endedSeconds += sw.Elapsed.TotalSeconds - before;
            }
            var a = new BenchSide("process per mutant", flips.Count, sw.Elapsed.TotalSeconds);

            // (b) One sandboxed runner for all of them, a fork per mutant.
            progress($"[bench flips] {isa}: the same {flips.Count} mutants through the persistent runner, a fork each");
            sw.Restart();
            var forked = await runner.RunAsync(plan, isa, code, flips, budget, ct, forkEach: true);
            var b = new BenchSide("persistent runner, fork per mutant", flips.Count, sw.Elapsed.TotalSeconds);

            // (c) One sandboxed runner, the mutants in its loop child.
            progress($"[bench flips] {isa}: the same {flips.Count} mutants through the persistent runner's loop child");
            sw.Restart();
            var looped = await runner.RunAsync(plan, isa, code, flips, budget, ct);
            var c = new BenchSide("persistent runner, loop child", flips.Count, sw.Elapsed.TotalSeconds);

            // (d) The loop child on the mutants that did not hang: what the harness costs per mutant
            // once no CPU budget is spent waiting out a hang, which every way pays alike.
            var ended = flips.Where(f => perProcess[f.Id] != OutcomeKind.TimedOut).ToList();
            sw.Restart();
            await runner.RunAsync(plan, isa, code, ended, budget, ct);
            var endedSides = (new BenchSide("process per mutant, mutants that ended", ended.Count, endedSeconds),
                new BenchSide("persistent runner, loop child, mutants that ended", ended.Count, sw.Elapsed.TotalSeconds));

            List<string> Differ(IReadOnlyList<MutantResult> results, string way) => results.Where(r => perProcess[r.Id] != r.Kind)
                .Select(r => $"flip {r.Id / 8}.{r.Id % 8}: {Outcome.Text(perProcess[r.Id])} one process per mutant, {Outcome.Text(r.Kind)} {way}").ToList();
            var forkDiffer = Differ(forked, "fork per mutant");
            var loopDiffer = Differ(looped, "loop child");
            rows.Add(new FlipsComparison(isa.Name, a, b, c, forkDiffer.Count, loopDiffer.Count, [.. loopDiffer.Take(5), .. forkDiffer.Take(5)],
                endedSides.Item1, endedSides.Item2));
        }
        var reference = await ReferenceRatesAsync(services, isas, ct);
        return (rows, reference);
    }

    /// <summary>The machine's raw rates, measured by a small C loop with no sandbox and no .NET in
    /// the path: fork+exec+wait of a trivial static binary (the ceiling of any process-per-mutant
    /// harness), and fork+wait of an empty child on each ISA, under qemu-user where not native
    /// (the ceiling of a runner that forks once per mutant).</summary>
    private static async Task<BenchReference> ReferenceRatesAsync(TrialServices services, IReadOnlyList<Isa> isas, CancellationToken ct)
    {
        string dir = services.Workspace.Dir("bench", "reference");
        string trivial = Path.Combine(dir, "trivial"), loop = Path.Combine(dir, "loop.c");
        await File.WriteAllTextAsync(trivial + ".c", "int main(void) { return 0; }\n", ct);
        await File.WriteAllTextAsync(loop, """
            #include <stdio.h>
            #include <stdlib.h>
            #include <time.h>
            #include <unistd.h>
            #include <sys/wait.h>
            /* loop N [PROGRAM]: N times fork, then exec PROGRAM (or just _exit), and wait. */
            int main(int argc, char **argv)
            {
                int n = atoi(argv[1]);
                struct timespec t0, t1;
                clock_gettime(CLOCK_MONOTONIC, &t0);
                for (int i = 0; i < n; i++) {
                    pid_t p = fork();
                    if (p == 0) { if (argc > 2) execl(argv[2], argv[2], (char *)0); _exit(argc > 2 ? 127 : 0); }
                    int st;
                    waitpid(p, &st, 0);
                }
                clock_gettime(CLOCK_MONOTONIC, &t1);
                printf("%.6f\n", (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
                return 0;
            }
            """, ct);
        async Task<string> BuildAsync(string compiler, string source, string output, params string[] flags)
        {
            var r = await services.Tools.RunAsync(compiler, [.. flags, source, "-o", output], ct);
            if (!r.Succeeded) throw new ToolFailedException("building the reference probe", r);
            return output;
        }
        async Task<double> RateAsync(string program, IReadOnlyList<string> args, int n)
        {
            var run = await services.Tools.RunAsync(program, [.. args, n.ToString(CultureInfo.InvariantCulture)], ct);
            return n / double.Parse(run.StandardOutput.Trim(), CultureInfo.InvariantCulture);
        }
        string nativeLoop = await BuildAsync("gcc", loop, Path.Combine(dir, "loop-native"), "-O2");
        await BuildAsync("gcc", trivial + ".c", trivial, "-static");
        var run = await services.Tools.RunAsync(nativeLoop, ["2000", trivial], ct);
        double forkExec = 2000 / double.Parse(run.StandardOutput.Trim(), CultureInfo.InvariantCulture);
        var forks = new Dictionary<string, double>();
        foreach (var isa in isas)
        {
            string bin = await BuildAsync(isa.Gcc, loop, Path.Combine(dir, "loop-" + isa.Name), "-O2", "-static");
            forks[isa.Name] = isa.Qemu is { } qemu ? await RateAsync(qemu, [bin], 200) : await RateAsync(bin, [], 2000);
        }
        return new BenchReference(forkExec, forks);
    }
}

/// <summary>The machine's own ceilings, measured in the same run as the comparison.</summary>
public sealed record BenchReference(double ForkExecPerSecond, IReadOnlyDictionary<string, double> EmptyForkPerSecond);

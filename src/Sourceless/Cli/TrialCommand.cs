using System.CommandLine;
using Sourceless.Report;
using Sourceless.Store;
using Sourceless.Trials;

namespace Sourceless.Cli;

/// <summary><c>sourceless trial</c>: the main job.</summary>
public static class TrialCommand
{
    public static Command Create()
    {
        var tasks = new Option<string?>("--tasks") { Description = "Tasks to run: 'all' (default), a count N (spread over categories), or names separated by commas." };
        var contenders = new Option<string?>("--contenders") { Description = Contenders.ContenderRegistry.HelpText };
        var targets = new Option<string?>("--targets") { Description = "Targets isa/compiler/level, comma-separated; '*' matches any part; 'all' = 3 ISAs x gcc,clang x -O0,-O2,-O3. Default: */*/-O2." };
        var seed = new Option<ulong?>("--seed") { Description = "Seed for random test inputs and noisy contenders (default 1). Same seed, same inputs: same results." };
        var generations = new Option<int?>("--generations", "-k") { Description = "Generations per task and target, for the determinism measure (default 3)." };
        var visible = new Option<int?>("--visible") { Description = $"Test cases per task version set apart as visible (default {TrialOptions.DefaultVisible}, seeded): examples AI contenders may see, and the cases @best:K and @repair:N run candidates on. They never score: only the hidden cases do." };
        var flips = new Option<int?>("--flips") { Description = $"Interpretability: single-bit flips per artifact (every bit when the image has no more; default {TrialOptions.DefaultFlips})." };
        var typos = new Option<int?>("--typos") { Description = $"Interpretability: single-character source typos per task and compiler (default {TrialOptions.DefaultTypos})." };
        var faultTasks = new Option<string?>("--fault-tasks") { Description = $"Interpretability and debugging: the tasks to inject faults into and to run the gdb checklist on, 'all' or a count N spread over categories (default {TrialOptions.DefaultFaultTasks}; every contender and target either way)." };
        var learningCurve = new Option<bool>("--learning-curve") { Description = $"Also train the neural model here on {string.Join(", ", Experiments.LearningCurve.LearningCurveExperiment.Sizes)} tier-1 pairs ({Experiments.LearningCurve.LearningCurveExperiment.Steps} steps each) and plot held-out pass rate against corpus size (about ten minutes more; the shipped checkpoint's own curve is in every trial with 'neural')." };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Work items in parallel (default: number of cores).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var outDir = new Option<string?>("--out") { Description = "Run folder to create (default: runs/<timestamp>). Never overwrites: an existing non-empty folder is an error." };
        var resume = new Option<string?>("--resume") { Description = "Continue the trial stored in this run folder (after a crash or kill): redoes nothing already stored." };
        var json = new Option<bool>("--json") { Description = "Print RUN/results.json on stdout: settings, scores with their formulas and SQL, per-stage times and row counts, as one JSON object (progress stays on stderr; raw rows stay in results.duckdb)." };
        var shard = new Option<string?>("--shard") { Description = "K/N (0 <= K < N): run only the tasks whose index in the trial's task list is K modulo N, into its own run folder; 'trial merge' joins the N folders into the unsharded trial's store and report. Every shard takes the same other options." };
        var plan = new Option<bool>("--plan") { Description = "Print the work items per stage (per shard with --shard K/N) and an estimate of each stage's time from earlier runs under runs/, then stop: nothing runs and no folder is made." };
        var suite = new Option<string?>("--suite") { Description = "Task suite folders, comma-separated ('tasks' or 'builtin' is the built-in one; e.g. 'builtin,runs/imported' for both, scored side by side). Default: the built-in tasks/." };

        var cmd = new Command("trial",
            "Run tasks x contenders x targets through every experiment, store raw rows in RUN/results.duckdb, and write RUN/report.html, report.md and results.json (the figures, for scripts).\n" +
            $"With no options: all built-in tasks, contenders {Contenders.ContenderRegistry.Defaults}, targets x86_64, aarch64 and riscv64 at -O2.");
        // Contender kinds add their own options (--llm-*): the kind owns them, this command only hosts them.
        foreach (var o in new Option[] { tasks, contenders, targets, seed, generations, visible, flips, typos, faultTasks, learningCurve, jobs, outDir, resume, json, suite, shard, plan }
                     .Concat(Contenders.ContenderRegistry.Options)) cmd.Options.Add(o);
        cmd.SetAction((pr, ct) => CliAction.RunAsync(async () =>
        {
            string? resumeDir = pr.GetValue(resume);
            if (resumeDir is not null)
            {
                // Every option that is a setting of the trial (all but how this process runs: --resume,
                // --jobs, --json, --plan) is refused the same way: the stored settings make it the same trial.
                string[] process = ["--resume", "--jobs", "--json", "--plan"];
                var given = cmd.Options.Where(o => !process.Contains(o.Name) && pr.GetResult(o)?.IdentifierToken is not null)
                    .Select(o => o.Name).ToList();
                if (given.Count > 0)
                    throw new UserError($"--resume continues the stored trial with its own settings; drop {string.Join(", ", given)}");
            }
            // Every default lives in TrialOptions: an option not given keeps it.
            var defaults = new TrialOptions();
            var options = defaults with
            {
                Tasks = pr.GetValue(tasks) ?? defaults.Tasks,
                Contenders = pr.GetValue(contenders) ?? defaults.Contenders,
                Targets = pr.GetValue(targets) ?? defaults.Targets,
                Seed = pr.GetValue(seed) ?? defaults.Seed,
                Generations = pr.GetValue(generations) ?? defaults.Generations,
                Visible = pr.GetValue(visible) ?? defaults.Visible,
                Flips = pr.GetValue(flips) ?? defaults.Flips,
                Typos = pr.GetValue(typos) ?? defaults.Typos,
                FaultTasks = pr.GetValue(faultTasks) ?? defaults.FaultTasks,
                LearningCurve = pr.GetValue(learningCurve),
                KindSettings = Contenders.ContenderRegistry.ReadOptions(pr),
                Jobs = pr.GetValue(jobs),
                Out = pr.GetValue(outDir),
                Resume = resumeDir,
                Json = pr.GetValue(json),
                Suite = pr.GetValue(suite),
                Shard = pr.GetValue(shard) ?? defaults.Shard,
            };
            if (pr.GetValue(plan))
            {
                if (resumeDir is not null) throw new UserError("--plan plans a new trial from its options; drop --resume (a resumed trial redoes nothing already stored)");
                // Every shard of the partition is planned: --shard K/N only says how many there are.
                var timings = TrialPlan.Measured(Path.GetFullPath("runs"));
                Console.Write(TrialPlan.Render(options, TrialPlan.Lines(options, timings), timings));
                return 0;
            }
            var result = await new TrialRunner(options).RunAsync(ct);
            Print(result, options.Json);
            return 0;
        }));
        cmd.Subcommands.Add(Merge());
        return cmd;
    }

    private static Command Merge()
    {
        var runs = new Argument<string[]>("runs") { Description = "The shards' run folders (all N of one trial, in any order).", Arity = ArgumentArity.OneOrMore };
        var outDir = new Option<string?>("--out") { Description = "Run folder to create for the merged trial (default: runs/<timestamp>); never overwritten." };
        var json = new Option<bool>("--json") { Description = "Print the merged RUN/results.json on stdout." };
        var merge = new Command("merge",
            "Join the N shards of one trial (trial --shard K/N) into one store and write its report: the same rows and scores as the unsharded trial. " +
            "Refused, with the reason, when a shard is missing, given twice or unfinished, or when the shards' settings or tools differ.");
        merge.Arguments.Add(runs);
        merge.Options.Add(outDir);
        merge.Options.Add(json);
        merge.SetAction((pr, ct) => CliAction.RunAsync(() =>
        {
            var result = TrialMerge.Run(pr.GetValue(runs)!, pr.GetValue(outDir));
            Print(result, pr.GetValue(json));
            return Task.FromResult(0);
        }));
        return merge;
    }

    private static void Print(TrialResult result, bool json)
    {
        if (json) PrintJson(result);
        else
        {
            Console.WriteLine(MarkdownReport.Render(result.Report, result.Stages, result.ElapsedSeconds));
            Console.WriteLine($"Report: {Path.Combine(result.Folder, "report.html")}");
        }
        Console.Error.WriteLine($"trial finished in {result.ElapsedSeconds:0.0} s: " +
            string.Join(", ", result.Stages.Select(s => $"{s.Stage} {s.Seconds:0.0}s")));
    }

    /// <summary>--json is results.json itself, so a script reads the same figures from either.</summary>
    private static void PrintJson(TrialResult result)
    {
        using var stdout = Console.OpenStandardOutput();
        using (var file = File.OpenRead(Path.Combine(result.Folder, ReportWriter.ResultsJson))) file.CopyTo(stdout);
        stdout.WriteByte((byte)'\n');
    }
}

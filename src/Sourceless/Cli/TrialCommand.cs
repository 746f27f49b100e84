using Sourceless.Contenders.Llm;
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
        var flips = new Option<int?>("--flips") { Description = $"Interpretability: single-bit flips per artifact (every bit when the image has no more; default {TrialOptions.DefaultFlips})." };
        var typos = new Option<int?>("--typos") { Description = $"Interpretability: single-character source typos per task and compiler (default {TrialOptions.DefaultTypos})." };
        var faultTasks = new Option<string?>("--fault-tasks") { Description = $"Interpretability and debugging: the tasks to inject faults into and to run the gdb checklist on, 'all' or a count N spread over categories (default {TrialOptions.DefaultFaultTasks}; every contender and target either way)." };
        var learningCurve = new Option<bool>("--learning-curve") { Description = $"Also train the neural model here on {string.Join(", ", Experiments.LearningCurve.LearningCurveExperiment.Sizes)} tier-1 pairs ({Experiments.LearningCurve.LearningCurveExperiment.Steps} steps each) and plot held-out pass rate against corpus size (about ten minutes more; the shipped checkpoint's own curve is in every trial with 'neural')." };
        var llmModel = new Option<string>("--llm-model") { Description = "llm:URL contenders: the model name sent to the endpoint.", DefaultValueFactory = _ => LlmSettings.Default.Model };
        var llmKeyEnv = new Option<string>("--llm-api-key-env") { Description = "llm:URL contenders: the environment variable holding the API key (read at request time; never stored or logged).", DefaultValueFactory = _ => LlmSettings.Default.ApiKeyEnv };
        var llmTemperature = new Option<double>("--llm-temperature") { Description = "llm:URL contenders: sampling temperature.", DefaultValueFactory = _ => LlmSettings.Default.Temperature };
        var llmMaxTokens = new Option<int>("--llm-max-tokens") { Description = "llm:URL contenders: most tokens per reply.", DefaultValueFactory = _ => LlmSettings.Default.MaxTokens };
        var llmConcurrency = new Option<int>("--llm-concurrency") { Description = "llm:URL contenders: requests in flight per contender.", DefaultValueFactory = _ => LlmSettings.Default.Concurrency };
        var llmTimeout = new Option<double>("--llm-timeout") { Description = "llm:URL contenders: seconds to wait for one reply.", DefaultValueFactory = _ => LlmSettings.Default.TimeoutSeconds };
        var llmRetries = new Option<int>("--llm-retries") { Description = "llm:URL contenders: retries on 429, 5xx, timeouts and refused connections (exponential backoff, or Retry-After).", DefaultValueFactory = _ => LlmSettings.Default.Retries };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Work items in parallel (default: number of cores).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var outDir = new Option<string?>("--out") { Description = "Run folder to create (default: runs/<timestamp>). Never overwrites: an existing non-empty folder is an error." };
        var resume = new Option<string?>("--resume") { Description = "Continue the trial stored in this run folder (after a crash or kill): redoes nothing already stored." };
        var json = new Option<bool>("--json") { Description = "Print RUN/results.json on stdout: settings, scores with their formulas and SQL, per-stage times and row counts, as one JSON object (progress stays on stderr; raw rows stay in results.duckdb)." };
        var suite = new Option<string?>("--suite") { Description = "Task suite folders, comma-separated ('tasks' or 'builtin' is the built-in one; e.g. 'builtin,runs/imported' for both, scored side by side). Default: the built-in tasks/." };

        var cmd = new Command("trial",
            "Run tasks x contenders x targets through every experiment, store raw rows in RUN/results.duckdb, and write RUN/report.html, report.md and results.json (the figures, for scripts).\n" +
            $"With no options: all built-in tasks, contenders {Contenders.ContenderRegistry.Defaults}, targets x86_64, aarch64 and riscv64 at -O2.");
        foreach (var o in new Option[] { tasks, contenders, targets, seed, generations, flips, typos, faultTasks, learningCurve, llmModel, llmKeyEnv, llmTemperature, llmMaxTokens, llmConcurrency, llmTimeout, llmRetries, jobs, outDir, resume, json, suite }) cmd.Options.Add(o);
        cmd.SetAction((pr, ct) => CliAction.RunAsync(async () =>
        {
            string? resumeDir = pr.GetValue(resume);
            if (resumeDir is not null)
            {
                // Every option that is a setting of the trial (all but how this process runs: --resume,
                // --jobs, --json) is refused the same way: the stored settings make it the same trial.
                string[] process = ["--resume", "--jobs", "--json"];
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
                Flips = pr.GetValue(flips) ?? defaults.Flips,
                Typos = pr.GetValue(typos) ?? defaults.Typos,
                FaultTasks = pr.GetValue(faultTasks) ?? defaults.FaultTasks,
                LearningCurve = pr.GetValue(learningCurve),
                Llm = new LlmSettings
                {
                    Model = pr.GetValue(llmModel)!, ApiKeyEnv = pr.GetValue(llmKeyEnv)!, Temperature = pr.GetValue(llmTemperature), MaxTokens = pr.GetValue(llmMaxTokens),
                    Concurrency = pr.GetValue(llmConcurrency), TimeoutSeconds = pr.GetValue(llmTimeout), Retries = pr.GetValue(llmRetries),
                },
                Jobs = pr.GetValue(jobs),
                Out = pr.GetValue(outDir),
                Resume = resumeDir,
                Json = pr.GetValue(json),
                Suite = pr.GetValue(suite),
            };
            var result = await new TrialRunner(options).RunAsync(ct);
            if (options.Json) PrintJson(result);
            else
            {
                Console.WriteLine(MarkdownReport.Render(result.Report, result.Stages, result.ElapsedSeconds));
                Console.WriteLine($"Report: {Path.Combine(result.Folder, "report.html")}");
            }
            Console.Error.WriteLine($"trial finished in {result.ElapsedSeconds:0.0} s: " +
                string.Join(", ", result.Stages.Select(s => $"{s.Stage} {s.Seconds:0.0}s")));
            return 0;
        }));
        return cmd;
    }

    /// <summary>--json is results.json itself, so a script reads the same figures from either.</summary>
    private static void PrintJson(TrialResult result)
    {
        using var stdout = Console.OpenStandardOutput();
        using (var file = File.OpenRead(Path.Combine(result.Folder, ReportWriter.ResultsJson))) file.CopyTo(stdout);
        stdout.WriteByte((byte)'\n');
    }
}

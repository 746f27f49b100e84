using System.CommandLine;
using System.Diagnostics;
using Sourceless.Harness;
using Sourceless.Tasks;
using Sourceless.Tasks.Import;
using Sourceless.Targets;
using Sourceless.Trials;

namespace Sourceless.Cli;

/// <summary><c>sourceless tasks list|show|validate</c>.</summary>
public static class TasksCommand
{
    public static Command Create()
    {
        var suite = new Option<string?>("--suite") { Description = "Task suite folder (default: the built-in tasks/ folder)." };
        var tasks = new Option<string?>("--tasks") { Description = "Which tasks: 'all' (default), a count N, or names separated by commas." };

        var list = new Command("list", "List the tasks of the suite with their category and summary.");
        list.Options.Add(suite);
        list.SetAction(pr => CliAction.RunAsync(() =>
        {
            var all = TaskSuite.Load(pr.GetValue(suite) ?? SourcelessHome.TasksDir).Tasks;
            foreach (var t in all)
                Console.WriteLine($"{t.Name,-22} {t.Category,-10} {(t.UsesLibDep ? "libdep " : "")}{(t.Vulnerability is { } v ? $"vuln:{v} " : "")}{t.Summary}");
            Console.WriteLine($"{all.Count} tasks");
            return Task.FromResult(0);
        }));

        var name = new Argument<string>("name") { Description = "The task's name." };
        var show = new Command("show", "Print one task: spec, signature, generated header, change request.");
        show.Options.Add(suite);
        show.Arguments.Add(name);
        show.SetAction(pr => CliAction.RunAsync(() =>
        {
            var t = TaskSuite.Load(pr.GetValue(suite) ?? SourcelessHome.TasksDir).Select(pr.GetValue(name))[0];
            Console.WriteLine($"# {t.Name} ({t.Category}): {t.Summary}\n\n{t.V1.Spec}\n\n{t.Header}\nchange request:\n{t.V2?.Spec ?? "(none: an imported task)"}");
            if (t.Origin is not null) Console.WriteLine($"imported from {t.Origin}; spec from {t.SpecFrom ?? "?"}");
            Console.WriteLine($"\n{t.V1.HandTests.Count} hand-picked tests, {t.V1.Random.Count} random; v2: {(t.V2 is null ? "none" : $"{t.V2.HandTests.Count} + {t.V2.Random.Count}")}");
            return Task.FromResult(0);
        }));

        var targets = new Option<string?>("--targets") { Description = "Targets to check, e.g. 'all' (default), '*/gcc/-O2', 'x86_64/clang/-O3'." };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the random test inputs.", DefaultValueFactory = _ => 1 };
        var jobs = new Option<int>("--jobs") { Description = "Parallel builds and runs (default: cores).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var work = new Option<string?>("--work") { Description = "Scratch folder for builds (default: a new folder under /var/tmp)." };
        var validate = new Command("validate",
            "Compile every task (v1, v2, vulnerable variant) on every target, run it as a bare image in the sandbox against its tests, and fail loudly on any broken task.");
        validate.Options.Add(suite);
        validate.Options.Add(tasks);
        validate.Options.Add(targets);
        validate.Options.Add(seed);
        validate.Options.Add(jobs);
        validate.Options.Add(work);
        validate.SetAction((pr, ct) => CliAction.RunAsync(async () =>
        {
            var selected = TaskSuite.Load(pr.GetValue(suite) ?? SourcelessHome.TasksDir).Select(pr.GetValue(tasks));
            var targetList = Target.ParseList(pr.GetValue(targets) ?? "all");
            await Toolchain.CheckAsync(targetList, Tools.ToolRunner.Shared, ct);
            string folder = pr.GetValue(work) ?? Path.Combine("/var/tmp", "sourceless-validate-" + Environment.ProcessId);
            int j = Math.Clamp(pr.GetValue(jobs), 1, 16);
            var services = new TrialServices(folder, j);
            var sw = Stopwatch.StartNew();
            int done = 0;
            var results = await new TaskValidator(services).ValidateAsync(selected, targetList, pr.GetValue(seed), j, r =>
            {
                int n = Interlocked.Increment(ref done);
                if (!r.Ok) Console.Error.WriteLine($"FAIL {r.Task} {r.Variant} {r.Target}: {r.Detail}");
                else if (n % 50 == 0) Console.Error.WriteLine($"[validate] {n} checks, {sw.Elapsed.TotalSeconds:0}s");
            }, ct);
            int failed = results.Count(r => !r.Ok);
            Console.WriteLine($"{selected.Count} tasks x {targetList.Count} targets: {results.Count - failed} checks passed, {failed} failed ({sw.Elapsed.TotalSeconds:0.0}s)");
            foreach (var r in results.Where(r => !r.Ok)) Console.WriteLine($"BROKEN {r.Task} [{r.Variant}] {r.Target}: {r.Detail}");
            return failed == 0 ? 0 : CliAction.UserErrorExit;
        }));

        var cmd = new Command("tasks", "Inspect, validate and import task suites.");
        cmd.Subcommands.Add(ImportCommand());
        cmd.Subcommands.Add(list);
        cmd.Subcommands.Add(show);
        cmd.Subcommands.Add(validate);
        return cmd;
    }

    /// <summary><c>sourceless tasks import SOURCE... --out SUITE</c> (docs/task-format.md, "Importing").</summary>
    private static Command ImportCommand()
    {
        var sources = new Argument<string[]>("SOURCE") { Description = "Folders of C files (a checkout of any project), single .c files, or ExeBench-format .jsonl files.", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out") { Description = "The suite folder to write (new or empty).", Required = true };
        var minInputs = new Option<int>("--min-inputs") { Description = "Inputs on which every compiler, level and ISA must agree to keep a function.", DefaultValueFactory = _ => 10 };
        var draws = new Option<int>("--draws") { Description = "Random inputs drawn per function before the checks thin them out.", DefaultValueFactory = _ => 32 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the drawn inputs.", DefaultValueFactory = _ => 1 };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Files in parallel (default: cores).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var targets = new Option<string>("--targets") { Description = "Targets that must agree (default: gcc and clang at -O0 and -O2 on every ISA).", DefaultValueFactory = _ => "*/*/-O0,*/*/-O2" };
        var work = new Option<string?>("--work") { Description = "Scratch folder, kept afterwards (default: a new folder under /var/tmp, removed)." };
        var cmd = new Command("import",
            "Put any C codebase on trial: find function definitions with clang's AST, keep those whose types fit the task format, pull in what they need from " +
            "their file, infer input generators, keep inputs that are ASan/UBSan-clean and on which every target agrees, and write a task suite plus import.json.");
        cmd.Arguments.Add(sources);
        foreach (var o in new Option[] { output, minInputs, draws, seed, jobs, targets, work }) cmd.Options.Add(o);
        cmd.SetAction((pr, ct) => CliAction.RunAsync(async () =>
        {
            var options = new ImportOptions
            {
                Sources = pr.GetValue(sources) ?? [], Out = pr.GetValue(output)!, MinInputs = pr.GetValue(minInputs), Draws = pr.GetValue(draws),
                Seed = pr.GetValue(seed), Jobs = pr.GetValue(jobs), Targets = pr.GetValue(targets)!, Work = pr.GetValue(work),
            };
            var report = await new SuiteImporter(options, line => Console.Error.WriteLine(line)).RunAsync(ct);
            Console.WriteLine(report.Summary());
            Console.WriteLine($"suite: {Path.GetFullPath(options.Out)} ({ImportReport.FileName} lists every rejection with its reason)");
            return 0;
        }));
        return cmd;
    }
}

using System.Diagnostics;
using System.Globalization;
using Sourceless.Contenders;
using Sourceless.Experiments;
using Sourceless.Harness;
using Sourceless.Machine;
using Sourceless.Report;
using Sourceless.Store;
using Sourceless.Tasks;
using Sourceless.Targets;
using Sourceless.Tools;

namespace Sourceless.Trials;

/// <summary>What a finished trial leaves: its folder, the report model, and the per-stage split.</summary>
public sealed record TrialResult(string Folder, ReportModel Report, IReadOnlyList<(string Stage, double Seconds, int Items)> Stages, double ElapsedSeconds);

/// <summary>
/// Runs a Trial (docs/architecture.md): tasks x contenders x targets x experiments. Stages: setup (toolchain
/// check, libdep, hidden test plans), generate (every contender's k generations), one stage per
/// experiment, report. Every work item is stored whole or not at all, so --resume redoes only
/// what is missing.
/// </summary>
public sealed class TrialRunner(TrialOptions options)
{
    private readonly List<(string, double, int)> _stages = [];

    public async Task<TrialResult> RunAsync(CancellationToken ct)
    {
        var total = Stopwatch.StartNew();
        bool resuming = options.Resume is not null;
        // A new trial validates everything (tasks, targets, contenders, toolchains) before it
        // creates anything, so bad input leaves no half-made run folder behind.
        var fresh = resuming ? default : ResolveNewSettings();
        if (!resuming) await Toolchain.CheckAsync(fresh.Targets.Append(TestPlanner.ReferenceTarget), ToolRunner.Shared, ct, experiments: true);
        string folder = resuming ? RunFolder.ForResume(options.Resume!) : RunFolder.ForNewRun(options.Out);
        using var store = TrialStore.Open(Path.Combine(folder, TrialStore.FileName));
        if (!resuming) StoreSettings(store, fresh.Tasks, fresh.Contenders, fresh.Targets);
        var (tasks, contenderNames, targets) = resuming ? LoadSettings(store) : fresh;
        store.BeginSession(string.Join(' ', Environment.GetCommandLineArgs().Skip(1)));
        Console.Error.WriteLine($"{(resuming ? "resuming" : "trial")} in {folder}: {tasks.Count} tasks x {contenderNames.Count} contenders x {targets.Count} targets, k={Facts(store).Generations}, seed {Facts(store).Seed}");

        int jobs = Math.Clamp(options.Jobs, 1, 16);
        var services = new TrialServices(Path.Combine(folder, "work"), jobs);
        var llm = Contenders.Llm.LlmSettings.FromJson(store.GetTrial("llm_settings"));
        var contenders = ContenderRegistry.Parse(string.Join(',', contenderNames), services.Contenders, llm, services.Workspace.Dir("fewshot-cache"));
        var facts = Facts(store);

        // Stage: setup.
        var sw = Stopwatch.StartNew();
        await Toolchain.CheckAsync(targets.Append(TestPlanner.ReferenceTarget), services.Tools, ct, experiments: true);
        var plans = new Dictionary<string, TestPlan>(StringComparer.Ordinal);
        var changes = new Dictionary<string, TestPlan>(StringComparer.Ordinal);
        var setup = new ProgressReporter("setup: tests", tasks.Count);
        await System.Threading.Tasks.Parallel.ForEachAsync(tasks, Options(jobs, ct), async (task, token) =>
        {
            var plan = await services.Planner.PlanAsync(task, task.V1, facts.Seed, token);
            // An imported task has no change request: no change plan, no v2 variant.
            var change = task.V2 is null ? null : await services.Planner.ChangePlanAsync(plan, facts.Seed, token);
            lock (plans)
            {
                plans[task.Name] = plan;
                if (change is not null) changes[task.Name] = change;
            }
            store.RecordTestPlan(plan);
            if (change is not null) store.RecordTestPlan(change);
            setup.Tick();
        });
        foreach (var isa in targets.Select(t => t.Isa).Distinct())
            await System.Threading.Tasks.Parallel.ForEachAsync(tasks.SelectMany(t => changes.TryGetValue(t.Name, out var c) ? new[] { plans[t.Name], c } : [plans[t.Name]]), Options(jobs, ct),
                async (plan, token) => await services.Harness.BareDriverAsync(plan, isa, token));
        Stage("setup", sw, tasks.Count, store);

        // Stage: generate.
        sw.Restart();
        var slots = (from task in tasks from c in contenders from t in targets where c.Serves(t)
                     from i in Enumerable.Range(0, facts.Generations) select new GenerationSlot(task, c, t, i)).ToList();
        // Generation 0 of the change request and of the planted-vulnerability variant: the
        // iteration, version-control and security experiments compare them with v1.
        var variants = (from task in tasks from version in new[] { task.V2 is null ? null : "v2", task.Vulnerable is null ? null : "vuln" }.OfType<string>()
                        from c in contenders from t in targets where c.Serves(t) select new GenerationSlot(task, c, t, 0, version)).ToList();
        var done = store.DoneItems();
        var todo = slots.Concat(variants).Where(s => !done.Contains("gen|" + s.ArtifactId)).ToList();
        var progress = new ProgressReporter("generate", todo.Count);
        await System.Threading.Tasks.Parallel.ForEachAsync(todo, Options(jobs, ct), async (slot, token) =>
        {
            string work = services.Workspace.Dir("gen", slot.ArtifactId.Replace('/', '_').Replace(':', '_'));
            var request = new GenerationRequest(slot.Task, slot.Task.Version(slot.Version), slot.Target, slot.Index, facts.Seed, plans[slot.Task.Name].Folder, work);
            var gen = await slot.Contender.GenerateAsync(request, token);
            store.RecordGeneration("gen|" + slot.ArtifactId, slot.ArtifactId,
                new GenerationRequestInfo(slot.Task.Name, slot.Version, slot.Contender.Name, slot.Target, slot.Index), gen);
            progress.Tick(gen.Artifact is not null);
        });
        Stage("generate", sw, todo.Count, store);

        // One stage per experiment.
        var context = new TrialContext(services, store, plans, slots, facts, variants, changes);
        foreach (var experiment in ExperimentRegistry.Ordered)
        {
            sw.Restart();
            var items = experiment.Plan(context).Where(i => !done.Contains(i.Key)).ToList();
            var p = new ProgressReporter(experiment.Id, items.Count);
            await System.Threading.Tasks.Parallel.ForEachAsync(items, Options(jobs, ct), async (item, token) =>
            {
                var rows = await experiment.RunAsync(item, context, token);
                if (!experiment.RecordsOwnRows) store.RecordExecutions(item.Key, rows);
                store.EnsureDone(item.Key);
                p.Tick();
            });
            Stage(experiment.Id, sw, items.Count, store);
        }

        // Stage: report.
        sw.Restart();
        store.RecordTools(services.Tools.KnownVersions);
        total.Stop();
        store.EndSession(total.Elapsed.TotalSeconds);
        var report = ReportBuilder.Build(store, folder);
        ReportWriter.WriteAll(report, store, folder);
        Stage("report", sw, 1, store);
        return new TrialResult(folder, report, _stages, total.Elapsed.TotalSeconds + sw.Elapsed.TotalSeconds);
    }

    private void Stage(string name, Stopwatch sw, int items, TrialStore store)
    {
        double s = sw.Elapsed.TotalSeconds;
        _stages.Add((name, s, items));
        store.RecordStage(name, s, items);
    }

    private static ParallelOptions Options(int jobs, CancellationToken ct) => new() { MaxDegreeOfParallelism = jobs, CancellationToken = ct };

    private static TrialFacts Facts(TrialStore store) => TrialFacts.FromStore(store);

    private (IReadOnlyList<TaskDefinition> Tasks, IReadOnlyList<string> Contenders, IReadOnlyList<Target> Targets) ResolveNewSettings()
    {
        var names = ContenderRegistry.ParseNames(options.Contenders);
        options.Llm.Validate();
        var targets = Target.ParseList(options.Targets);
        if (targets.Count == 0) throw new UserError("--targets selects no target");
        if (options.Generations < 1) throw new UserError("--generations must be at least 1");
        if (options.Flips < 0 || options.Typos < 0) throw new UserError("--flips and --typos must be zero or more");
        if (options.FaultTasks != "all" && (!int.TryParse(options.FaultTasks, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 0))
            throw new UserError($"--fault-tasks: expected 'all' or a count, got '{options.FaultTasks}'");
        var suite = options.Suite is null ? TaskSuite.Load(SourcelessHome.TasksDir) : TaskSuite.LoadMany(options.Suite, SourcelessHome.TasksDir).Suite;
        return (suite.Select(options.Tasks), names, targets);
    }

    private void StoreSettings(TrialStore store, IReadOnlyList<TaskDefinition> tasks, IReadOnlyList<string> names, IReadOnlyList<Target> targets)
    {
        foreach (var (k, v) in new Dictionary<string, string>
        {
            ["tasks"] = string.Join(',', tasks.Select(t => t.Name)),
            ["contenders"] = string.Join(',', names),
            ["targets"] = string.Join(',', targets.Select(t => t.Id)),
            ["seed"] = options.Seed.ToString(CultureInfo.InvariantCulture),
            ["generations"] = options.Generations.ToString(CultureInfo.InvariantCulture),
            ["flips"] = options.Flips.ToString(CultureInfo.InvariantCulture),
            ["typos"] = options.Typos.ToString(CultureInfo.InvariantCulture),
            ["fault_tasks"] = string.Join(',', (options.FaultTasks == "all" ? tasks : TaskSuite.Spread(tasks, int.Parse(options.FaultTasks, CultureInfo.InvariantCulture))).Select(t => t.Name)),
            ["suite"] = options.Suite is null ? Path.GetFullPath(SourcelessHome.TasksDir)
                : string.Join(',', TaskSuite.LoadMany(options.Suite, SourcelessHome.TasksDir).Parts.Select(p => p.Folder)),
            ["learning_curve"] = options.LearningCurve ? "1" : "0",
            ["task_hashes"] = System.Text.Json.JsonSerializer.Serialize(tasks.ToDictionary(t => t.Name, TaskFingerprint.Of)),
            // The name of the key's variable is stored, never the key.
            ["llm_settings"] = options.Llm.ToJson(),
            ["sourceless"] = typeof(TrialRunner).Assembly.GetName().Version?.ToString() ?? "?",
            ["created"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        }.Concat(MachineInfo.Collect()).Concat(SuiteSettings(tasks)))
            store.SetTrial(k, v);
    }

    /// <summary>Only when --suite is given (a default trial stores exactly the settings it always
    /// did): which suite each task came from, for the per-suite scores side by side, and the
    /// imported tasks, which the experiments that need a change request or a planted
    /// vulnerability count as not applicable.</summary>
    private IEnumerable<KeyValuePair<string, string>> SuiteSettings(IReadOnlyList<TaskDefinition> tasks)
    {
        if (options.Suite is null) yield break;
        var labelOf = TaskSuite.LoadMany(options.Suite, SourcelessHome.TasksDir).LabelOf;
        var bySuite = tasks.GroupBy(t => labelOf[t.Name]).ToDictionary(g => g.Key, g => g.Select(t => t.Name).ToList());
        yield return new(SuiteTasksKey, System.Text.Json.JsonSerializer.Serialize(bySuite));
        var imported = tasks.Where(t => t.IsImported).Select(t => t.Name).ToList();
        if (imported.Count > 0) yield return new(ImportedTasksKey, string.Join(',', imported));
    }

    /// <summary>Trial settings a report reads: suite label -> task names (JSON), and the imported tasks.</summary>
    public const string SuiteTasksKey = "suite_tasks", ImportedTasksKey = "imported_tasks";

    private static (IReadOnlyList<TaskDefinition>, IReadOnlyList<string>, IReadOnlyList<Target>) LoadSettings(TrialStore store)
    {
        var facts = TrialFacts.FromStore(store);
        string stored = store.GetTrial("suite") ?? SourcelessHome.TasksDir;
        var suite = stored.Contains(',') ? TaskSuite.LoadMany(stored, SourcelessHome.TasksDir).Suite : TaskSuite.Load(stored);
        var tasks = suite.Select(string.Join(',', facts.Tasks));
        var hashes = store.GetTrial("task_hashes") is { } json
            ? System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [] : [];
        var changed = TaskFingerprint.Changed(tasks, hashes);
        if (changed.Count > 0)
            throw new UserError($"cannot resume: {changed.Count} task(s) changed since the run began ({string.Join(", ", changed)}); " +
                "restore them, or start a new trial");
        return (tasks, facts.Contenders, facts.Targets.Select(Target.Parse).ToList());
    }
}

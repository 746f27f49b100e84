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
        var fresh = resuming ? null : ResolveNewSettings();
        if (fresh is not null) await Toolchain.CheckAsync(fresh.Targets.Select(Target.Parse).Append(TestPlanner.ReferenceTarget), ToolRunner.Shared, ct, experiments: true);
        string folder = resuming ? RunFolder.ForResume(options.Resume!) : RunFolder.ForNewRun(options.Out);
        string storePath = Path.Combine(folder, TrialStore.FileName);
        if (fresh is not null)
        {
            // The store appears with its settings or not at all: a run killed while it is being
            // made leaves no store that --resume would refuse as settings-less.
            string making = storePath + ".new";
            File.Delete(making);
            using (var made = TrialStore.Open(making)) StoreSettings(made, fresh);
            File.Move(making, storePath);
        }
        using var store = TrialStore.Open(storePath);
        // Read once: everything below (and every experiment, through the context) uses this record.
        var facts = TrialSettings.Load(store);
        var (allTasks, targets) = Resolve(facts);
        var tasks = allTasks.Where((_, i) => facts.Holds(i)).ToList();
        store.BeginSession(string.Join(' ', Environment.GetCommandLineArgs().Skip(1)));
        string shardNote = facts.ShardParts.N > 1 ? $" (shard {facts.Shard} of {allTasks.Count} tasks)" : "";
        Console.Error.WriteLine($"{(resuming ? "resuming" : "trial")} in {folder}{shardNote}: {tasks.Count} tasks x {facts.Contenders.Count} contenders x {targets.Count} targets, k={facts.Generations}, seed {facts.Seed}");

        int jobs = Math.Clamp(options.Jobs, 1, 16);
        await using var services = new TrialServices(Path.Combine(folder, "work"), jobs);
        var contenders = ContenderRegistry.Parse(string.Join(',', facts.Contenders), services.Contenders, facts.KindSettings, services.Workspace.Dir("fewshot-cache"));

        // Stage: setup.
        var sw = Stopwatch.StartNew();
        await Toolchain.CheckAsync(targets.Append(TestPlanner.ReferenceTarget), services.Tools, ct, experiments: true);
        var plans = new Dictionary<string, TestPlan>(StringComparer.Ordinal);
        var changes = new Dictionary<string, TestPlan>(StringComparer.Ordinal);
        var setup = new ProgressReporter("setup: tests", tasks.Count);
        await System.Threading.Tasks.Parallel.ForEachAsync(tasks, Options(jobs, ct), async (task, token) =>
        {
            var plan = await services.Planner.PlanAsync(task, task.V1, facts.Seed, token, facts.Visible);
            // An imported task has no change request: no change plan, no v2 variant.
            var change = task.V2 is null ? null : await services.Planner.ChangePlanAsync(plan, facts.Seed, token, facts.Visible);
            lock (plans)
            {
                plans[task.Name] = plan;
                if (change is not null) changes[task.Name] = change;
            }
            store.RecordTestPlan(plan);
            if (change is not null) store.RecordTestPlan(change);
            setup.Tick();
        });
        // Every driver is built here, so a driver that does not build stops the trial in setup, not
        // halfway through generating: the hidden plans' always, the visible ones' when a contender
        // searches (they run its candidates).
        bool searching = contenders.Any(c => Contenders.Search.SearchStrategy.Split(c.Name).Strategy is not null);
        var driverPlans = tasks.SelectMany(t => changes.TryGetValue(t.Name, out var c) ? new[] { plans[t.Name], c } : [plans[t.Name]])
            .SelectMany(p => searching && p.Visible is not null ? new[] { p, p.Visible } : [p]).ToList();
        foreach (var isa in targets.Select(t => t.Isa).Distinct())
            await System.Threading.Tasks.Parallel.ForEachAsync(driverPlans, Options(jobs, ct),
                async (plan, token) => await services.Harness.BareDriverAsync(plan, isa, token));
        Stage("setup", sw, tasks.Count, store);

        // Stage: generate.
        sw.Restart();
        var (slots, variants) = Slots(tasks, contenders, targets, facts.Generations);
        var done = store.DoneItems();
        var todo = slots.Concat(variants).Where(s => !done.Contains("gen|" + s.ArtifactId)).ToList();
        var progress = new ProgressReporter("generate", todo.Count);
        await System.Threading.Tasks.Parallel.ForEachAsync(todo, Options(jobs, ct), async (slot, token) =>
        {
            string work = services.Workspace.Dir("gen", slot.ArtifactId.Replace('/', '_').Replace(':', '_'));
            // The visible cases of the version asked for (v2's for the change request; the
            // vulnerable variant keeps v1's behaviour, so v1's): examples a contender may see and
            // run candidates on. The hidden plan's folder is given for task.h alone.
            var shown = (slot.Version == "v2" ? changes[slot.Task.Name] : plans[slot.Task.Name]).Visible;
            var request = new GenerationRequest(slot.Task, slot.Task.Version(slot.Version), slot.Target, slot.Index, facts.Seed, plans[slot.Task.Name].Folder, work)
            {
                Visible = shown is null ? null : new VisibleTests(shown, services.Runner),
            };
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
            var items = experiment.Plan(context).Where(i => !done.Contains(i.Key) && InThisShard(i, facts)).ToList();
            var p = new ProgressReporter(experiment.Id, items.Count);
            await System.Threading.Tasks.Parallel.ForEachAsync(items, Options(jobs, ct), async (item, token) =>
            {
                // The runner stores every item's rows and its done marker, in one transaction.
                store.RecordRows(item.Key, await experiment.RunAsync(item, context, token));
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

    /// <summary>Every generation of the trial: task x contender x target x k for v1, and generation 0
    /// of the change request (v2) and of the planted-vulnerability variant (vuln), which the
    /// iteration, version-control and security experiments compare with v1 (an imported task has
    /// neither).</summary>
    internal static (List<GenerationSlot> Slots, List<GenerationSlot> Variants) Slots(
        IReadOnlyList<TaskDefinition> tasks, IReadOnlyList<IContender> contenders, IReadOnlyList<Target> targets, int generations) =>
        ((from task in tasks from c in contenders from t in targets where c.Serves(t)
          from i in Enumerable.Range(0, generations) select new GenerationSlot(task, c, t, i)).ToList(),
         (from task in tasks from version in new[] { task.V2 is null ? null : "v2", task.Vulnerable is null ? null : "vuln" }.OfType<string>()
          from c in contenders from t in targets where c.Serves(t) select new GenerationSlot(task, c, t, 0, version)).ToList());

    /// <summary>Items of no task (the corpus, the learning curve) belong to shard 0 alone.</summary>
    internal static bool InThisShard(WorkItem item, TrialSettings settings) => item.Task != "" || settings.ShardParts.K == 0;

    private void Stage(string name, Stopwatch sw, int items, TrialStore store)
    {
        double s = sw.Elapsed.TotalSeconds;
        _stages.Add((name, s, items));
        store.RecordStage(name, s, items);
    }

    private static ParallelOptions Options(int jobs, CancellationToken ct) => new() { MaxDegreeOfParallelism = jobs, CancellationToken = ct };

    /// <summary>Validates what the user asked for and resolves it (task names, canonical
    /// contender names, target ids, the fault tasks), before anything is created.</summary>
    internal TrialSettings ResolveNewSettings()
    {
        var names = ContenderRegistry.ParseNames(options.Contenders);
        var targets = Target.ParseList(options.Targets);
        if (targets.Count == 0) throw new UserError("--targets selects no target");
        if (options.Generations < 1) throw new UserError("--generations must be at least 1");
        if (options.Visible < 0 || options.Visible > 20) throw new UserError($"--visible must be between 0 and 20, got {options.Visible}");
        if (options.Visible == 0 && names.FirstOrDefault(n => Contenders.Search.SearchStrategy.Split(n).Strategy is not null) is { } searching)
            throw new UserError($"contender '{searching}' runs its candidates on the visible cases; --visible 0 leaves none");
        if (options.Flips < 0 || options.Typos < 0) throw new UserError("--flips and --typos must be zero or more");
        if (options.FaultTasks != "all" && (!int.TryParse(options.FaultTasks, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 0))
            throw new UserError($"--fault-tasks: expected 'all' or a count, got '{options.FaultTasks}'");
        var shard = Corpus.CorpusOptions.ParseShard(options.Shard);
        // One suite folder, or several (--suite builtin,FOLDER): names unique across them.
        var many = options.Suite is null ? default : TaskSuite.LoadMany(options.Suite, SourcelessHome.TasksDir);
        string suiteDir = options.Suite is null ? Path.GetFullPath(SourcelessHome.TasksDir) : string.Join(',', many.Parts.Select(p => p.Folder));
        var tasks = (options.Suite is null ? TaskSuite.Load(suiteDir) : many.Suite).Select(options.Tasks);
        return new TrialSettings
        {
            Tasks = tasks.Select(t => t.Name).ToList(),
            Contenders = names,
            Targets = targets.Select(t => t.Id).ToList(),
            Seed = options.Seed,
            Generations = options.Generations,
            Visible = options.Visible,
            FlipBudget = options.Flips,
            TypoBudget = options.Typos,
            FaultTasks = (options.FaultTasks == "all" ? tasks : TaskSuite.Spread(tasks, int.Parse(options.FaultTasks, CultureInfo.InvariantCulture))).Select(t => t.Name).ToList(),
            Suite = suiteDir,
            LearningCurve = options.LearningCurve,
            KindSettings = options.KindSettings,
            TaskHashes = tasks.ToDictionary(t => t.Name, TaskFingerprint.Of),
            Shard = $"{shard.K}/{shard.N}",
            // Only with --suite (a default trial stores the settings it always did): which suite
            // each task came from, for the per-suite scores, and the imported tasks, which the
            // experiments that need a change request or a planted vulnerability count as not applicable.
            SuiteTasks = options.Suite is null ? new Dictionary<string, IReadOnlyList<string>>()
                : tasks.GroupBy(t => many.LabelOf[t.Name]).ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(t => t.Name).ToList()),
            ImportedTasks = tasks.Where(t => t.IsImported).Select(t => t.Name).ToList(),
        };
    }

    /// <summary>The settings, stored once, next to facts about this run that are not settings.</summary>
    private static void StoreSettings(TrialStore store, TrialSettings settings)
    {
        settings.Store(store);
        foreach (var (k, v) in new Dictionary<string, string>
        {
            ["sourceless"] = typeof(TrialRunner).Assembly.GetName().Version?.ToString() ?? "?",
            ["created"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        }.Concat(MachineInfo.Collect()))
            store.SetTrial(k, v);
    }

    /// <summary>The tasks and targets of stored settings; refuses tasks changed since the run began.</summary>
    internal static (IReadOnlyList<TaskDefinition> Tasks, IReadOnlyList<Target> Targets) Resolve(TrialSettings settings)
    {
        var tasks = TaskSuite.FromSetting(settings.Suite).Select(string.Join(',', settings.Tasks));
        var changed = TaskFingerprint.Changed(tasks, settings.TaskHashes);
        if (changed.Count > 0)
            throw new UserError($"cannot resume: {changed.Count} task(s) changed since the run began ({string.Join(", ", changed)}); " +
                "restore them, or start a new trial");
        return (tasks, settings.Targets.Select(Target.Parse).ToList());
    }
}

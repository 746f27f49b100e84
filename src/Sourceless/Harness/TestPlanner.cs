using Sourceless.Sandbox;
using Sourceless.Tasks;
using Sourceless.Targets;
using Sourceless.Tools;

namespace Sourceless.Harness;

/// <summary>A task whose reference disagrees with its own tests, or does not build: the trial
/// refuses to measure contenders against it.</summary>
public sealed class TaskBrokenException(string task, string message) : Exception($"task {task} is broken: {message}")
{
    public string Task { get; } = task;
}

/// <summary>
/// Makes a task version's hidden test set: its hand-picked cases, plus seeded random cases whose
/// expected outputs are what the reference source compiled by gcc -O0 (x86_64) produces. The
/// reference must also reproduce every hand-written expectation, or the task is broken.
/// </summary>
public sealed class TestPlanner(HarnessBuilder harness, ArtifactRunner runner, ToolRunner tools, UntrustedBuild untrusted)
{
    public static readonly Target ReferenceTarget = new(Isa.X86_64, "gcc", "-O0");

    /// <summary>The change request's test set: v2's own cases, then every case of the v1 plan with
    /// the v2 reference's output, labelled "kept" when the change leaves it as in v1 (behaviour the
    /// edit must not touch) or "changed" when the change request changes it. When v1's inputs are
    /// outside v2's contract (the v2 reference crashes on them, e.g. a buffer that grew), none are
    /// carried: the change redefines the interface and keeps nothing.</summary>
    /// <param name="visible">How many of v2's own cases to set apart as visible (v1's carried cases
    /// are v1's hidden ones).</param>
    public async Task<TestPlan> ChangePlanAsync(TestPlan v1, ulong seed, CancellationToken ct, int visible = 0)
    {
        var task = v1.Task;
        var v2Version = task.V2 ?? throw new InvalidOperationException($"task {task.Name} has no change request");
        var v2 = await PlanAsync(task, v2Version, seed, ct, visible);
        var probe = v1.Cases.Select(c => c with { Expected = "" }).ToList();
        var draft = new TestPlan(task, v2Version, probe, harness.WriteSources(task, "carry", probe));
        string obj = await CompileReferenceAsync(draft, ReferenceTarget, v2Version.ReferencePath, "ref", ct);
        string driver = await harness.LinkedDriverAsync(draft, ReferenceTarget.Isa, obj, "ref-O0", ct);
        var run = await runner.RunLinkedAsync(draft, ReferenceTarget.Isa, driver, ct);
        var report = DriverReport.Parse(run.Raw.StandardOutput);
        if (report.Error is not null || report.StatusKind != "exit" || report.StatusValue != 0 || v1.Cases.Any(c => !report.Cases.ContainsKey(c.Index)))
            return v2;
        var cases = new List<TestCase>(v2.Cases);
        // A v1 input that v2 shows as an example is not carried: it would be a hidden twin of it.
        var shown = (v2.Visible?.Cases ?? []).Select(c => c.ArgumentText).ToHashSet(StringComparer.Ordinal);
        foreach (var c in v1.Cases)
        {
            if (shown.Contains(c.ArgumentText)) continue;
            string got = report.Cases[c.Index];
            cases.Add(c with { Index = cases.Count, Kind = got == c.Expected ? "kept" : "changed", Expected = got });
        }
        return new TestPlan(task, v2Version, cases, harness.WriteSources(task, "change", cases)) { Visible = v2.Visible };
    }

    /// <param name="visible">How many seeded cases to set apart as visible examples
    /// (<see cref="TestPlan.Visible"/>); at least one case always stays hidden.</param>
    public async Task<TestPlan> PlanAsync(TaskDefinition task, TaskVersion version, ulong seed, CancellationToken ct, int visible = 0)
    {
        var rng = new SplitMix64(SplitMix64.SeedFrom(seed, task.Name, version.Label, "tests"));
        var cases = new List<TestCase>(version.HandTests);
        for (int i = 0; i < version.Random.Count; i++)
            cases.Add(new TestCase(cases.Count, "random", version.Random.Draw(task.Signature, rng), null));
        string folder;
        try
        {
            // With visible cases, the reference runs on all cases in a folder of its own; the
            // version's folder then holds the hidden cases alone.
            folder = harness.WriteSources(task, visible > 0 ? version.Label + "-all" : version.Label, cases);
        }
        catch (FormatException e)
        {
            throw new TaskBrokenException(task.Name, e.Message);
        }
        var draft = new TestPlan(task, version, cases, folder);
        string obj = await CompileReferenceAsync(draft, ReferenceTarget, version.ReferencePath, "ref", ct);
        string driver = await harness.LinkedDriverAsync(draft, ReferenceTarget.Isa, obj, "ref-O0", ct);
        var reference = await runner.RunLinkedAsync(draft with { Cases = cases.Select(c => c with { Expected = "" }).ToList() }, ReferenceTarget.Isa, driver, ct);
        var report = DriverReport.Parse(reference.Raw.StandardOutput);
        if (report.Error is not null || report.StatusKind != "exit" || report.StatusValue != 0)
            throw new TaskBrokenException(task.Name, $"{version.Label} reference did not run cleanly at {ReferenceTarget}: {reference.Outcome.Detail} {report.StatusKind} {report.StatusValue}");
        var final = new List<TestCase>(cases.Count);
        foreach (var c in cases)
        {
            if (!report.Cases.TryGetValue(c.Index, out var got))
                throw new TaskBrokenException(task.Name, $"{version.Label} reference gave no result for {c.Kind} case {c.Index}");
            if (c.Expected is not null && c.Expected != got)
                throw new TaskBrokenException(task.Name, $"{version.Label} hand test {c.Index}: task.txt expects {c.Expected}, the reference gives {got}");
            final.Add(c with { Expected = got });
        }
        return visible > 0 ? Split(draft with { Cases = final }, seed, visible) : draft with { Cases = final };
    }

    /// <summary>Sets <paramref name="visible"/> seeded cases apart as the visible plan and keeps the
    /// rest as the hidden one, each renumbered from 0 (the drivers index cases by position).</summary>
    private TestPlan Split(TestPlan all, ulong seed, int visible)
    {
        var (task, version) = (all.Task, all.Version);
        // Only a case whose arguments no other case repeats may be shown: a hand-picked case can
        // recur among the random ones (or a change request's among v1's), and its hidden twin
        // would then score what the contender was shown.
        var eligible = all.Cases.GroupBy(c => c.ArgumentText).Where(g => g.Count() == 1).Select(g => g.Single().Index).Order().ToArray();
        int n = all.Cases.Count, v = Math.Min(Math.Min(visible, n - 1), eligible.Length);
        if (v <= 0) return all with { Folder = harness.WriteSources(task, version.Label, all.Cases) };
        var rng = new SplitMix64(SplitMix64.SeedFrom(seed, task.Name, version.Label, "visible"));
        var order = eligible;
        for (int i = 0; i < v; i++)
        {
            int j = i + rng.Next(order.Length - i);
            (order[i], order[j]) = (order[j], order[i]);
        }
        var chosen = order.Take(v).ToHashSet();
        var hidden = all.Cases.Where(c => !chosen.Contains(c.Index)).Select((c, i) => c with { Index = i }).ToList();
        var shown = all.Cases.Where(c => chosen.Contains(c.Index)).Select((c, i) => c with { Index = i }).ToList();
        return new TestPlan(task, version, hidden, harness.WriteSources(task, version.Label, hidden))
        {
            Visible = new TestPlan(task, version, shown, harness.WriteSources(task, version.Label + "-visible", shown)),
        };
    }

    /// <summary>Compiles a source of the task (reference, v2 or vulnerable variant) for a target.</summary>
    public async Task<string> CompileReferenceAsync(TestPlan plan, Target target, string source, string label, CancellationToken ct)
    {
        string output = Path.Combine(plan.Folder, $"{label}-{target.Isa.Name}-{target.Compiler}{target.OptLevel}.o");
        if (File.Exists(output) && File.GetLastWriteTimeUtc(output) >= File.GetLastWriteTimeUtc(source)) return output;
        var (tool, _) = Toolchain.Compiler(target.Compiler, target.Isa);
        string temp = AtomicFile.TempPath(output);
        var r = await TaskSourceBuild.RunAsync(plan.Task, tool, Toolchain.CompileArgs(target, source, temp, harness.IncludeDirs(plan.Folder)), plan.Folder,
            [source, .. harness.IncludeDirs(plan.Folder).Skip(1)], tools, untrusted, ct);
        if (!r.Succeeded) throw new TaskBrokenException(plan.Task.Name, $"{Path.GetFileName(source)} does not compile for {target}: {r.ErrorSummary()}");
        AtomicFile.Publish(temp, output);
        return output;
    }
}

using Sourceless.Bench;
using Sourceless.Contenders;
using Sourceless.Experiments;
using Sourceless.Experiments.Interpretability;
using Sourceless.Harness;
using Sourceless.Sandbox;
using Sourceless.Store;
using Sourceless.Tasks;
using Sourceless.Targets;
using Sourceless.Tests.Support;
using Sourceless.Trials;

namespace Sourceless.Tests.Experiments.Interpretability;

/// <summary>
/// The fault classifier of experiment 2 on planted cases whose right answer is known by
/// construction, through the real compilers, the persistent runner and the sandbox.
/// </summary>
public sealed class InterpretabilitySpecs : IDisposable
{
    private readonly TempFolder _tmp = new("sl-interp");
    private readonly TrialServices _services;

    public InterpretabilitySpecs() => _services = new TrialServices(_tmp.Sub("work"), 2);

    public void Dispose() => _tmp.Dispose();

    private async Task<(TestPlan Plan, byte[] Code)> AddSatAsync(Target target, CancellationToken ct)
    {
        var task = TaskSuite.Load(SourcelessHome.TasksDir).Select("add_sat")[0];
        var plan = await _services.Planner.PlanAsync(task, task.V1, 1, ct);
        var gen = await new CompilerContender(target.Compiler, _services.Contenders).GenerateAsync(
            new GenerationRequest(task, task.V1, target, 0, 1, plan.Folder, _services.Workspace.Dir("gen", target.Id.Replace('/', '_'))), ct);
        Assert.NotNull(gen.Artifact);
        return (plan, gen.Artifact!.Code);
    }

    private FaultLab Lab(TestPlan plan, Target target) =>
        new(_services, plan, "planted", target, target.Isa, _services.Workspace.Dir("faults", target.Id.Replace('/', '_')));

    [Fact(Timeout = 120_000)]
    public async Task A_flip_in_an_opcode_crashes_and_a_flip_in_an_unused_displacement_is_benign()
    {
        var ct = TestContext.Current.CancellationToken;
        var target = new Target(Isa.X86_64, "gcc", "-O2");
        var (plan, compiled) = await AddSatAsync(target, ct);
        // Planted: a 5-byte nop (nopl 0x0(%rax,%rax,1)) in front of gcc's add_sat, which uses no
        // rip-relative addresses, so the image still passes. Flipping bit 0 of the 0x0f opcode
        // byte gives 0x0e, invalid in 64-bit mode (SIGILL at offset 0); flipping bit 0 of the
        // displacement byte gives nopl 0x1(...), still a nop that touches no memory.
        byte[] nop = [0x0f, 0x1f, 0x44, 0x00, 0x00];
        byte[] image = [.. nop, .. compiled];
        var pristine = await _services.Runner.RunBareAsync(plan, Isa.X86_64, image, ct);
        Assert.Equal(OutcomeKind.Passed, pristine.Outcome.Kind);

        var rows = await Lab(plan, target).RunAsync(image, null, [0 * 8 + 0, 4 * 8 + 0], [], MutantBudget.Ms(Isa.X86_64), ct);
        var crash = rows.Single(r => r.Position == 0);
        Assert.Equal(("crashed", 4), (crash.Outcome, crash.Signal ?? 0));
        Assert.Equal("fault at image offset 0x0", crash.Detail);
        Assert.Equal(0, crash.Value); // loud, but no debug info to say where
        var benign = rows.Single(r => r.Position == 4);
        Assert.Equal("benign", benign.Outcome);
        Assert.Equal(1, benign.Value);
    }

    [Theory(Timeout = 120_000)]
    [InlineData("gcc")]
    [InlineData("clang")]
    public async Task A_typo_in_a_keyword_is_rejected_on_its_own_line(string compiler)
    {
        var ct = TestContext.Current.CancellationToken;
        var target = new Target(Isa.X86_64, compiler, "-O2");
        var (plan, _) = await AddSatAsync(target, ct);
        string source = await File.ReadAllTextAsync(plan.Task.V1.ReferencePath, ct);
        // "return (int)s;" -> "retrun (int)s;": swap the adjacent "ur".
        int at = source.IndexOf("return (int)s;", StringComparison.Ordinal) + 3;
        var typo = new Typo(at, "swap", "");
        Assert.Contains("retrun (int)s;", typo.Apply(source));
        int line = typo.Line(source);

        var build = await Lab(plan, target).BuildTypoAsync(source, typo, 0, ct);
        Assert.Null(build.Image);
        Assert.NotNull(build.Rejected);
        Assert.Equal("rejected_here", build.Rejected!.Outcome);
        Assert.Equal(line, build.Rejected.DiagnosticLine);
        Assert.True(build.Rejected.Located);
        Assert.Equal(1, build.Rejected.Value);
    }

    [Theory(Timeout = 120_000)]
    [InlineData("gcc")]
    [InlineData("clang")]
    public async Task A_typo_that_turns_plus_into_minus_compiles_and_is_silently_wrong(string compiler)
    {
        var ct = TestContext.Current.CancellationToken;
        var target = new Target(Isa.X86_64, compiler, "-O2");
        var (plan, code) = await AddSatAsync(target, ct);
        string source = await File.ReadAllTextAsync(plan.Task.V1.ReferencePath, ct);
        int at = source.IndexOf("(long long)a + b", StringComparison.Ordinal) + "(long long)a ".Length;
        var typo = new Typo(at, "substitute", "-");
        Assert.Contains("(long long)a - b", typo.Apply(source));

        var lab = Lab(plan, target);
        var build = await lab.BuildTypoAsync(source, typo, 0, ct);
        Assert.Null(build.Rejected);
        var row = (await lab.RunAsync(code, null, [], [build], MutantBudget.Ms(Isa.X86_64), ct)).Single();
        Assert.Equal("wrong_output", row.Outcome);
        Assert.Equal(-1, row.Value); // silent wrong output weighs as the worst outcome
        Assert.Equal(typo.Line(source), row.SourceLine);
    }

    [Fact(Timeout = 300_000)]
    public async Task One_process_per_mutant_a_fork_per_mutant_and_the_loop_child_agree_on_every_mutant_of_a_sample()
    {
        var ct = TestContext.Current.CancellationToken;
        var (rows, reference) = await new FlipsBenchmark(_tmp.Sub("bench")).RunAsync("dot_product", 40, [Isa.X86_64, Isa.Aarch64], _ => { }, ct);
        Assert.Equal(2, rows.Count);
        foreach (var row in rows)
        {
            Assert.True(row.Mismatches == 0 && row.ForkEachMismatches == 0, $"{row.Isa}: {string.Join("; ", row.MismatchExamples)}");
            Assert.Equal(40, row.Loop.Mutants);
        }
        Assert.True(reference.ForkExecPerSecond > 0);
    }

    [Fact, Trait(Quick.Trait, Quick.Value)]
    public void The_budget_is_fixed_per_isa_and_the_confirmation_decides_at_four_times_it()
    {
        Assert.Equal(8, MutantBudget.Ms(Isa.X86_64));
        Assert.Equal(64, MutantBudget.Ms(Isa.Aarch64));
        Assert.Equal(64, MutantBudget.Ms(Isa.Parse("riscv64")));
        Assert.Equal(4 * MutantBudget.Ms(Isa.Aarch64), MutantBudget.DecidingMs(Isa.Aarch64));
        Assert.Equal(InterpretabilityExperiment.BudgetMs(Isa.X86_64), MutantBudget.Ms(Isa.X86_64));
    }
}

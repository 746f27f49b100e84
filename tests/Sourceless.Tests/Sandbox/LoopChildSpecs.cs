using Sourceless.Contenders;
using Sourceless.Harness;
using Sourceless.Sandbox;
using Sourceless.Tasks;
using Sourceless.Targets;
using Sourceless.Tests.Support;
using Sourceless.Trials;

namespace Sourceless.Tests.Sandbox;

/// <summary>
/// The persistent runner's loop child (many bit flips in one child, its memory put back between
/// them, harness/sl_runtime.c) against one forked child per flip, in the real sandbox, natively and
/// under qemu-user: every mutant must end as it ends in a fresh child, whatever ran before it.
/// </summary>
public sealed class LoopChildSpecs : IDisposable
{
    private readonly TempFolder _tmp = new("sl-loop");
    private readonly TrialServices _services;

    public LoopChildSpecs() => _services = new TrialServices(_tmp.Sub("work"), 1);

    public void Dispose() => _tmp.Dispose();

    private readonly Dictionary<string, (TestPlan Plan, byte[] Code)> _built = [];

    private async Task<(TestPlan Plan, byte[] Code)> BuildAsync(string taskName, Isa isa, CancellationToken ct)
    {
        if (_built.TryGetValue($"{taskName}/{isa}", out var built)) return built;
        var task = TaskSuite.Load(SourcelessHome.TasksDir).Select(taskName)[0];
        var plan = await _services.Planner.PlanAsync(task, task.V1, 1, ct);
        var gen = await new CompilerContender("gcc", _services.Contenders).GenerateAsync(
            new GenerationRequest(task, task.V1, new Target(isa, "gcc", "-O2"), 0, 1, plan.Folder, _services.Workspace.Dir("gen", taskName, isa.Name)), ct);
        Assert.NotNull(gen.Artifact);
        return _built[$"{taskName}/{isa}"] = (plan, gen.Artifact!.Code);
    }

    private static FlipMutant Bit(int bit) => new(bit, bit / 8, (byte)(1 << (bit % 8)));

    /// <summary>The mutants of the task's gcc -O2 artifact for the ISA, in this order, through the
    /// persistent runner: in its loop child, or with a fork per mutant.</summary>
    private async Task<IReadOnlyList<MutantResult>> RunAsync(string taskName, Isa isa, IReadOnlyList<Mutant> mutants, bool forkEach, CancellationToken ct)
    {
        var (plan, code) = await BuildAsync(taskName, isa, ct);
        return await new PersistentRunner(_services.Runner).RunAsync(plan, isa, code, mutants, MutantBudget.Ms(isa), ct, forkEach: forkEach);
    }

    [Fact(Timeout = 300_000)]
    public async Task Every_bit_of_a_heap_using_artifact_ends_in_the_loop_child_as_in_a_child_of_its_own()
    {
        // list_total mallocs, frees and writes through a heap buffer: its flips overrun the heap,
        // free bad pointers (glibc aborts, ending the loop child) and hang.
        var ct = TestContext.Current.CancellationToken;
        var (_, code) = await BuildAsync("list_total", Isa.X86_64, ct);
        var flips = Enumerable.Range(0, code.Length * 8).Select(b => (Mutant)Bit(b)).ToList();
        var forked = await RunAsync("list_total", Isa.X86_64, flips, forkEach: true, ct);
        var looped = await RunAsync("list_total", Isa.X86_64, flips, forkEach: false, ct);
        var differ = forked.Zip(looped).Where(p => p.First.Kind != p.Second.Kind || p.First.Signal != p.Second.Signal || p.First.FaultOffset != p.Second.FaultOffset)
            .Select(p => $"bit {p.First.Id}: {p.First} vs {p.Second}").ToList();
        Assert.True(differ.Count == 0, string.Join("\n", differ.Take(10)));
        // The set covers what ends a loop child and what it survives.
        Assert.Contains(looped, r => r.Kind == OutcomeKind.Crashed && r.Signal == 6);  // abort() in free(): the child ends
        Assert.Contains(looped, r => r.Kind == OutcomeKind.Crashed && r.Signal == 11); // a fault: back to the loop
        Assert.Contains(looped, r => r.Kind == OutcomeKind.TimedOut);
        Assert.Contains(looped, r => r.Kind == OutcomeKind.Passed);
    }

    [Fact(Timeout = 300_000)]
    public async Task A_runner_that_warmed_up_gives_its_children_the_heap_of_a_driver_that_did_not()
    {
        // insertion_sort on aarch64: these flips overrun the array being sorted. The runner's
        // warm-up ran the cases once in the runner and left their inputs on its heap, so in every
        // child of it the arrays sat elsewhere: the flips crashed as one process per mutant and
        // returned wrong output through the runner, by fork or in the loop child alike. The runner
        // now puts its memory back after the warm-up.
        var ct = TestContext.Current.CancellationToken;
        var aarch64 = Isa.Parse("aarch64");
        var (plan, code) = await BuildAsync("insertion_sort", aarch64, ct);
        int[] bits = [357, 359, 360, 382, 387]; // bench flips --task insertion_sort: 44.5, 44.7, 45.0, 47.6, 48.3
        var runner = new PersistentRunner(_services.Runner);
        var alone = new List<MutantResult>();
        foreach (int bit in bits)
            alone.Add((await runner.RunAsync(plan, aarch64, code, [Bit(bit)], MutantBudget.Ms(aarch64), ct, warm: false, forkEach: true))[0]);
        var warmed = await RunAsync("insertion_sort", aarch64, bits.Select(b => (Mutant)Bit(b)).ToList(), forkEach: false, ct);
        Assert.All(alone, r => Assert.Equal(OutcomeKind.Crashed, r.Kind));
        Assert.Equal(alone, warmed);
    }

    [Fact(Timeout = 300_000)]
    public async Task A_flip_after_one_that_hung_writing_a_scratch_register_ends_as_in_a_fresh_child()
    {
        // dot_product on aarch64: bit 260 makes the loop's add write x18 instead of x2 (the loop never
        // ends); bit 265 makes it read x18. A fresh child read whatever x18 held from the runner and
        // crashed, a loop child read what the first flip left there and hung. sl_clean_call now
        // zeroes x18 with every other register, so the second flip ends the same way in both.
        var ct = TestContext.Current.CancellationToken;
        var alone = await RunAsync("dot_product", Isa.Parse("aarch64"), [Bit(265)], forkEach: true, ct);
        var afterHang = await RunAsync("dot_product", Isa.Parse("aarch64"), [Bit(260), Bit(265)], forkEach: false, ct);
        Assert.Equal(OutcomeKind.TimedOut, afterHang[0].Kind);
        Assert.Equal(alone[0], afterHang[1]);
    }

    [Fact(Timeout = 300_000)]
    public async Task A_flip_that_wrote_the_thread_pointer_leaves_nothing_behind_for_the_next_mutant()
    {
        // fill_sum on riscv64: bit 321 turns a compressed branch into the first half of a 32-bit
        // auipc, the code after it decodes differently, and the flip crashes having overwritten the
        // thread or global pointer (tp, gp: ordinary registers on riscv64). A loop child that kept
        // them crashed on every later mutant, the unchanged artifact included; it now puts both back.
        var ct = TestContext.Current.CancellationToken;
        var results = await RunAsync("fill_sum", Isa.Parse("riscv64"), [Bit(321), new FlipMutant(-1, -1, 0)], forkEach: false, ct);
        Assert.Equal(OutcomeKind.Crashed, results[0].Kind);
        Assert.Equal(OutcomeKind.Passed, results[1].Kind);
    }

    [Fact(Timeout = 300_000)]
    public async Task A_flip_after_one_that_grew_the_heap_under_qemu_ends_as_in_a_fresh_child()
    {
        // fill_sum on aarch64: bit 648 retargets the fill loop's branch back before its malloc, so it
        // mallocs until its budget is spent and the heap grows; bit 359 mallocs 1 byte and writes
        // 400,000 bytes into it, which faults at the heap's end in a fresh child. qemu-user keeps the
        // pages of a break moved back down, so a loop child that only reset the break let the
        // overrun pass; one whose break moved is now retired. The overrun also wrecks the heap: the
        // loop child's checks after it must not malloc (glibc then aborted, SIGABRT for SIGSEGV).
        var ct = TestContext.Current.CancellationToken;
        var alone = await RunAsync("fill_sum", Isa.Parse("aarch64"), [Bit(359)], forkEach: true, ct);
        var afterGrowth = await RunAsync("fill_sum", Isa.Parse("aarch64"), [Bit(648), Bit(359)], forkEach: false, ct);
        Assert.Equal(OutcomeKind.Crashed, alone[0].Kind);
        Assert.Equal(alone[0], afterGrowth[1]);
    }
}

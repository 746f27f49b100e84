using Sourceless.Contenders;
using Sourceless.Harness;
using Sourceless.Sandbox;
using Sourceless.Tasks;
using Sourceless.Targets;
using Sourceless.Tests.Support;
using Sourceless.Trials;

namespace Sourceless.Tests.Sandbox;

/// <summary>Planted bare images whose right classification is known, on every ISA, through the
/// real drivers (qemu-user for aarch64 and riscv64).</summary>
public sealed class ClassifierSpecs : IDisposable
{
    private readonly TempFolder _tmp = new("sl-classify");
    private readonly TrialServices _services;

    public ClassifierSpecs() => _services = new TrialServices(_tmp.Sub("work"), 2);

    public void Dispose() => _tmp.Dispose();

    public static TheoryData<string> Isas => new(Isa.All.Select(i => i.Name));

    private static readonly Dictionary<string, byte[]> IllegalInstruction = new()
    {
        ["x86_64"] = [0x0f, 0x0b],                  // ud2
        ["aarch64"] = [0x00, 0x00, 0x00, 0x00],     // udf #0
        ["riscv64"] = [0x00, 0x00, 0x00, 0x00],     // the all-zero word is defined illegal
    };

    private static readonly Dictionary<string, byte[]> ReturnZero = new()
    {
        ["x86_64"] = [0x31, 0xc0, 0xc3],                              // xor eax,eax; ret
        ["aarch64"] = [0x00, 0x00, 0x80, 0x52, 0xc0, 0x03, 0x5f, 0xd6], // mov w0,#0; ret
        ["riscv64"] = [0x01, 0x45, 0x82, 0x80],                       // c.li a0,0; c.jr ra
    };

    private async Task<(TestPlan Plan, byte[] Compiled)> CompiledAddSatAsync(Isa isa, CancellationToken ct)
    {
        var task = TaskSuite.Load(SourcelessHome.TasksDir).Select("add_sat")[0];
        var plan = await _services.Planner.PlanAsync(task, task.V1, 1, ct);
        var gcc = new CompilerContender("gcc", _services.Contenders);
        var gen = await gcc.GenerateAsync(new GenerationRequest(task, task.V1, new Target(isa, "gcc", "-O2"), 0, 1, plan.Folder, _services.Workspace.Dir("gen", isa.Name)), ct);
        Assert.NotNull(gen.Artifact);
        return (plan, gen.Artifact!.Code);
    }

    [Theory(Timeout = 120_000)]
    [MemberData(nameof(Isas))]
    public async Task Each_outcome_class_is_recognised_on_every_isa(string isaName)
    {
        var ct = TestContext.Current.CancellationToken;
        var isa = Isa.Parse(isaName);
        var (plan, compiled) = await CompiledAddSatAsync(isa, ct);

        var good = await _services.Runner.RunBareAsync(plan, isa, compiled, ct, timeRepeats: 3);
        Assert.Equal(OutcomeKind.Passed, good.Outcome.Kind);
        Assert.Equal(plan.Cases.Count, good.Outcome.CasesPassed);
        Assert.True(good.Outcome.RuntimeNs > 0);

        var crash = await _services.Runner.RunBareAsync(plan, isa, IllegalInstruction[isaName], ct);
        Assert.Equal(OutcomeKind.Crashed, crash.Outcome.Kind);
        Assert.Equal(4, crash.Outcome.Signal); // SIGILL
        Assert.Contains("in case 0", crash.Outcome.Detail);

        var wrong = await _services.Runner.RunBareAsync(plan, isa, ReturnZero[isaName], ct);
        Assert.Equal(OutcomeKind.WrongOutput, wrong.Outcome.Kind);
        Assert.Contains("case 0: expected 3, got 0", wrong.Outcome.Detail);

        var empty = await _services.Runner.RunBareAsync(plan, isa, [], ct);
        Assert.Equal(OutcomeKind.CouldNotStart, empty.Outcome.Kind);
    }

    [Fact(Timeout = 120_000)]
    public async Task X86_bytes_do_not_pass_on_aarch64_or_riscv64()
    {
        var ct = TestContext.Current.CancellationToken;
        var (plan, x86) = await CompiledAddSatAsync(Isa.X86_64, ct);
        foreach (var other in new[] { Isa.Aarch64, Isa.Riscv64 })
        {
            var run = await _services.Runner.RunBareAsync(plan, other, x86, ct);
            Assert.NotEqual(OutcomeKind.Passed, run.Outcome.Kind);
        }
    }

    [Fact]
    public void The_protocol_parser_ignores_what_an_artifact_prints_and_keeps_the_first_report_of_a_case()
    {
        const string captured = "@0 3\nHello from the artifact\n@1 0\n@1 999\n#time 1200 3\n#status exit 0\n";
        var report = DriverReport.Parse(captured);
        Assert.Equal("3", report.Cases[0]);
        Assert.Equal("0", report.Cases[1]);
        Assert.Equal(400, report.TimeNs);
        Assert.Equal(("exit", 0), (report.StatusKind, report.StatusValue ?? -1));
        var outcome = OutcomeClassifier.Classify(new SandboxResult(0, captured, "", false, false, 5, "cmd"), ["3", "0"]);
        Assert.Equal(OutcomeKind.Passed, outcome.Kind);
        var limit = OutcomeClassifier.Classify(new SandboxResult(0, "@0 3\n#status signal 24\n", "", false, false, 5, "cmd"), ["3", "0"]);
        Assert.Equal(OutcomeKind.KilledByLimit, limit.Kind);
        Assert.Contains("CPU", limit.Detail);
    }

    [Fact]
    public void A_run_stopped_by_a_clock_counts_no_passed_case()
    {
        // How many cases a run reported before a clock stopped it depends on the machine's speed:
        // counted, the same seed would not give the same rows.
        string[] expected = ["3", "0", "7"];
        foreach (var (stdout, timedOut) in new[] { ("@0 3\n@1 0\n#status signal 9\n", false), ("@0 3\n@1 0\n#status signal 24\n", false),
                     ("@0 3\n@1 0\n#status signal 27\n", false), ("@0 3\n@1 0\n", true) })
        {
            var o = OutcomeClassifier.Classify(new SandboxResult(0, stdout, "", timedOut, false, 5, "cmd"), expected);
            Assert.True(o.StoppedByClock, o.ToString());
            Assert.Equal(0, o.CasesPassed);
        }
        // A crash is not a clock: the cases before it count.
        var crash = OutcomeClassifier.Classify(new SandboxResult(0, "@0 3\n@1 0\n#status signal 11\n", "", false, false, 5, "cmd"), expected);
        Assert.Equal((OutcomeKind.Crashed, 2, false), (crash.Kind, crash.CasesPassed, crash.StoppedByClock));
    }
}

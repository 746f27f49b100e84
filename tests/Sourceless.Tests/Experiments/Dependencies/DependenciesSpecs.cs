using Sourceless.Artifacts;
using Sourceless.Contenders;
using Sourceless.Experiments;
using Sourceless.Experiments.Dependencies;
using Sourceless.Sandbox;
using Sourceless.Targets;
using Sourceless.Tests.Support;
using Sourceless.Trials;

namespace Sourceless.Tests.Experiments.Dependencies;

/// <summary>Experiment 8: libdep v1.0 swapped for v1.1 under unchanged bytes, against a planted
/// artifact that inlined v1.0's bug instead of calling the library.</summary>
public sealed class DependenciesSpecs : IDisposable
{
    private readonly TempFolder _tmp = new("sl-dep");
    private readonly TrialServices _services;

    public DependenciesSpecs() => _services = new TrialServices(_tmp.Sub("work"), 2);

    public void Dispose() => _tmp.Dispose();

    [Theory(Timeout = 180_000)]
    [InlineData("x86_64")]
    [InlineData("aarch64")]
    public async Task An_artifact_that_calls_libdep_picks_up_the_fix_and_one_that_inlined_the_bug_does_not(string isaName)
    {
        var ct = TestContext.Current.CancellationToken;
        var isa = Isa.Parse(isaName);
        var target = new Target(isa, "gcc", "-O2");
        var (plan, calls) = await Compiled.BuildAsync(_services, "is_square", "v1", target, ct);
        Assert.Equal(OutcomeKind.WrongOutput, (await _services.Runner.RunBareAsync(plan, isa, calls.Code, ct, libDepVersion: "1.0")).Outcome.Kind);
        Assert.Equal(OutcomeKind.Passed, (await _services.Runner.RunBareAsync(plan, isa, calls.Code, ct, libDepVersion: "1.1")).Outcome.Kind);

        // Planted: the same function with v1.0's dep_isqrt copied in (a generator that inlined it).
        string inlined = _tmp.Sub("inlined.c");
        await File.WriteAllTextAsync(inlined, """
            #include "task.h"
            static unsigned isqrt_v10(unsigned x)
            {
                unsigned long long r = 0;
                while ((r + 1) * (r + 1) < x) r++;
                return (unsigned)r;
            }
            int is_square(unsigned x)
            {
                unsigned r = isqrt_v10(x);
                return r * r == x;
            }
            """, ct);
        var task = plan.Task;
        var gen = await new CompilerContender("gcc", _services.Contenders).GenerateAsync(
            new GenerationRequest(task, task.V1 with { ReferencePath = inlined }, target, 0, 1, plan.Folder, _services.Workspace.Dir("gen", "inlined-" + isaName)), ct);
        var copy = StoredArtifact.From(gen.Artifact!);
        var under10 = await _services.Runner.RunBareAsync(plan, isa, copy.Code, ct, libDepVersion: "1.0");
        var under11 = await _services.Runner.RunBareAsync(plan, isa, copy.Code, ct, libDepVersion: "1.1");
        Assert.Equal((OutcomeKind.WrongOutput, OutcomeKind.WrongOutput), (under10.Outcome.Kind, under11.Outcome.Kind));
        Assert.Equal(under10.Outcome.CasesPassed, under11.Outcome.CasesPassed);

        // What each declares, and what inspection of the bytes alone infers.
        Assert.Equal(["libdep:dep_isqrt"], calls.Dependencies);
        Assert.Empty(copy.Dependencies);
        var seen = await Disassembly.OfAsync(calls.Code, isa, _services.Workspace, _services.Tools, _services.Imports, ct);
        Assert.Contains("dep_isqrt", seen.ImportsCalled);
        Assert.Empty((await Disassembly.OfAsync(copy.Code, isa, _services.Workspace, _services.Tools, _services.Imports, ct)).ImportsCalled);
    }

    [Fact(Timeout = 180_000)]
    public async Task A_bill_of_materials_is_written_from_declared_dependencies_only()
    {
        var ct = TestContext.Current.CancellationToken;
        var (_, a) = await Compiled.BuildAsync(_services, "copy_name", "v1", new Target(Isa.Riscv64, "clang", "-O2"), ct);
        string? bom = Sbom.CycloneDx(a, "1.1");
        Assert.NotNull(bom);
        using var doc = System.Text.Json.JsonDocument.Parse(bom!);
        Assert.Equal("CycloneDX", doc.RootElement.GetProperty("bomFormat").GetString());
        var lib = doc.RootElement.GetProperty("components").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "libdep.so.1");
        Assert.Equal("1.1", lib.GetProperty("version").GetString());
        Assert.Contains("dep_strlcpy", bom);
        Assert.Null(Sbom.CycloneDx(a.BytesOnly(), "1.1"));
    }
}

using Sourceless.Artifacts;
using Sourceless.Experiments.Security;
using Sourceless.Harness;
using Sourceless.Targets;
using Sourceless.Tests.Support;
using Sourceless.Trials;

namespace Sourceless.Tests.Experiments.Security;

/// <summary>Experiment 9 on the planted-vulnerability tasks: real cppcheck, gcc -fanalyzer,
/// clang-tidy and a sanitizer run in the sandbox; binary inspection on crafted bytes.</summary>
public sealed class SecuritySpecs : IDisposable
{
    private readonly TempFolder _tmp = new("sl-sec");
    private readonly TrialServices _services;

    public SecuritySpecs() => _services = new TrialServices(_tmp.Sub("work"), 2);

    public void Dispose() => _tmp.Dispose();

    [Theory(Timeout = 240_000)]
    [InlineData("greet", "gcc -fanalyzer")]      // format-string: -Wformat-security
    [InlineData("fill_sum", "asan+ubsan run")]   // integer overflow: UBSan on the exploit input
    public async Task The_source_audit_flags_the_planted_variant_and_not_the_clean_one(string task, string tool)
    {
        var ct = TestContext.Current.CancellationToken;
        var target = new Target(Isa.X86_64, "gcc", "-O2");
        var (plan, clean) = await Compiled.BuildAsync(_services, task, "v1", target, ct);
        var (_, planted) = await Compiled.BuildAsync(_services, task, "vuln", target, ct);
        var audit = new SourceAudit(_services);
        var onPlanted = await audit.AuditAsync(plan, planted.Source!, ct);
        var onClean = await audit.AuditAsync(plan, clean.Source!, ct);
        Assert.Equal(["cppcheck", "gcc -fanalyzer", "clang-tidy", "asan+ubsan run"], onPlanted.Select(f => f.Tool));
        Assert.All(onPlanted.Concat(onClean), f => Assert.Equal("ran", f.Status));
        var hit = onPlanted.Single(f => f.Tool == tool);
        Assert.True(hit.Flagged, hit.Findings);
        Assert.All(onClean, f => Assert.False(f.Flagged, $"{f.Tool}: {f.Findings}"));
    }

    [Fact(Timeout = 60_000)]
    public async Task Binary_inspection_sees_a_planted_strcpy_call_an_endbr64_entry_and_a_canary_read()
    {
        var ct = TestContext.Current.CancellationToken;
        var imports = ImportTable.Load();
        int slot = imports.Symbols.ToList().IndexOf("strcpy");
        // endbr64; mov %fs:0x28,%rax; call <strcpy's import stub>; ret: at the image's link address.
        var code = new List<byte> { 0xf3, 0x0f, 0x1e, 0xfa, 0x64, 0x48, 0x8b, 0x04, 0x25, 0x28, 0x00, 0x00, 0x00, 0xe8 };
        long next = (long)Artifact.ImageAddress + code.Count + 4;
        code.AddRange(BitConverter.GetBytes((int)(slot * ImportTable.SlotBytes - next)));
        code.Add(0xc3);
        var d = await Disassembly.OfAsync(code.ToArray(), Isa.X86_64, _services.Workspace, _services.Tools, imports, ct);
        Assert.Equal(["strcpy"], d.ImportsCalled);
        var finding = BinaryInspection.Audit(d);
        Assert.True(finding.Flagged);
        Assert.Equal("calls strcpy", finding.Findings);
        var h = BinaryInspection.Of(d, null, []);
        Assert.Equal(("yes", "yes"), (h.StackProtector, h.CetEndbr));
        Assert.StartsWith("unknown", h.PositionIndependent);

        // The compiler's own add_sat: Debian's gcc adds neither endbr64 nor a canary by default.
        var (_, gcc) = await Compiled.BuildAsync(_services, "add_sat", "v1", new Target(Isa.X86_64, "gcc", "-O2"), ct);
        var plain = BinaryInspection.Of(await Disassembly.OfAsync(gcc.Code, Isa.X86_64, _services.Workspace, _services.Tools, imports, ct), gcc.ObjectFile, []);
        Assert.Equal(("no", "no", "yes"), (plain.StackProtector, plain.CetEndbr, plain.PositionIndependent));
    }
}

using Sourceless.Contenders;
using Sourceless.Contenders.Llm;
using Sourceless.Targets;
using Sourceless.Tests.Support;
using Sourceless.Trials;

namespace Sourceless.Tests.Sandbox;

/// <summary>
/// Model-written text is built and audited inside the sandbox: a reply that reaches for a host
/// file (an assembler's .incbin, a compiler's #include) fails to build, with the tool's own
/// reason stored, and the file's bytes go nowhere. The replies come from
/// <see cref="ScriptedEndpoint"/> (no real model writes attacks on cue); the assembler, compiler,
/// cppcheck and sandbox are real.
/// </summary>
public sealed class UntrustedTextSpecs : IDisposable
{
    private readonly TempFolder _tmp = new("sl-untrusted");
    private readonly string _canary;
    private const string Secret = "CANARY-4f1d2c-host-only";

    public UntrustedTextSpecs()
    {
        // A world-readable host file: only the sandbox keeps it out of reach.
        _canary = _tmp.Sub("host-secret.txt");
        File.WriteAllText(_canary, Secret + "\n");
    }

    public void Dispose() => _tmp.Dispose();

    private static readonly LlmSettings Fast = new() { Model = "scripted", TimeoutSeconds = 5, Retries = 0, BackoffSeconds = 0.05 };

    private async Task<Generation> GenerateAsync(string reply, string mode, CancellationToken ct)
    {
        await using var server = new ScriptedEndpoint([ScriptedEndpoint.Chat(reply)]);
        var services = new TrialServices(_tmp.Sub("work"), 2);
        var t = Compiled.Task("add_sat");
        var plan = await services.Planner.PlanAsync(t, t.V1, 1, ct);
        var contender = new LlmContender($"llm:{server.BaseUrl}#{mode}", Fast, services.Contenders, _tmp.Sub("fewshot"));
        return await contender.GenerateAsync(new GenerationRequest(t, t.V1, Target.Parse("x86_64/gcc/-O2"), 0, 1, plan.Folder,
            services.Workspace.Dir("gen", mode + Guid.NewGuid().ToString("N")[..6])), ct);
    }

    [Fact(Timeout = 60_000)]
    public async Task An_incbin_of_a_host_file_in_an_asm_reply_fails_to_assemble()
    {
        var ct = TestContext.Current.CancellationToken;
        foreach (var path in new[] { _canary, "/etc/shadow" })
        {
            var gen = await GenerateAsync($"```asm\n    .incbin \"{path}\"\n    ret\n```", "asm", ct);
            Assert.Null(gen.Artifact);
            Assert.StartsWith("assemble: ", gen.Failure);
            Assert.Contains(path, gen.Failure);
            Assert.DoesNotContain(Secret, gen.Failure);
            Assert.Contains("[sandboxed]", gen.Invocations[0].CommandLine);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task An_include_of_a_host_file_in_a_c_reply_fails_to_compile()
    {
        var ct = TestContext.Current.CancellationToken;
        var gen = await GenerateAsync($"```c\n#include \"{_canary}\"\nint add_sat(int a, int b) {{ return a + b; }}\n```", "c", ct);
        Assert.Null(gen.Artifact);
        Assert.StartsWith("compile: ", gen.Failure);
        Assert.Contains("No such file", gen.Failure);
        Assert.DoesNotContain(Secret, gen.Failure);
        // The header folder is there for task.h alone: the driver source beside it (every test input) is not.
        var driver = await GenerateAsync("```c\n#include \"driver.c\"\nint add_sat(int a, int b) { return a + b; }\n```", "c", ct);
        Assert.StartsWith("compile: ", driver.Failure);
        Assert.Contains("No such file", driver.Failure);
    }

    [Fact(Timeout = 60_000)]
    public async Task Honest_asm_and_c_replies_still_build_in_the_sandbox()
    {
        var ct = TestContext.Current.CancellationToken;
        var asm = await GenerateAsync("```asm\n    lea (%rdi,%rsi,1), %eax\n    ret\n```", "asm", ct);
        Assert.Equal("8D0437C3", Convert.ToHexString(asm.Artifact!.Code[..4]));
        var c = await GenerateAsync("```c\n#include \"task.h\"\nint add_sat(int a, int b) { return a + b; }\n```", "c", ct);
        Assert.NotNull(c.Artifact);
        Assert.NotNull(c.Artifact!.DebugImage);
    }

    [Fact(Timeout = 60_000)]
    public async Task An_audit_tool_reading_model_source_sees_no_host_file()
    {
        var ct = TestContext.Current.CancellationToken;
        var services = new TrialServices(_tmp.Sub("work-audit"), 2);
        string dir = services.Workspace.Dir("audit-test");
        string file = Path.Combine(dir, "model.c");
        await File.WriteAllTextAsync(file, $"#include \"{_canary}\"\nint f(void) {{ return 0; }}\n", ct);
        // The preprocessor is what every auditor runs first; -E shows exactly what it could read.
        var pre = await services.Untrusted.RunAsync("gcc", ["-E", file], dir, [], ct);
        Assert.False(pre.Succeeded);
        Assert.DoesNotContain(Secret, pre.StandardOutput + pre.StandardError);
        var cpp = await services.Untrusted.RunAsync("cppcheck", ["--quiet", "--enable=warning", file], dir, [], ct);
        Assert.DoesNotContain(Secret, cpp.StandardOutput + cpp.StandardError);
    }
}

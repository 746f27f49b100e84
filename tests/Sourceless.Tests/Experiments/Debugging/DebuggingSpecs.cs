using Sourceless.Experiments.Debugging;
using Sourceless.Targets;
using Sourceless.Tests.Support;
using Sourceless.Trials;

namespace Sourceless.Tests.Experiments.Debugging;

/// <summary>Experiment 6: the gdb checklist on the same bytes with and without the compiler's
/// symbols, natively and through qemu-user's gdb stub, inside the sandbox.</summary>
public sealed class DebuggingSpecs : IDisposable
{
    private readonly TempFolder _tmp = new("sl-dbg");
    private readonly TrialServices _services;

    public DebuggingSpecs() => _services = new TrialServices(_tmp.Sub("work"), 2);

    public void Dispose() => _tmp.Dispose();

    [Theory(Timeout = 180_000)]
    [InlineData("x86_64")]
    [InlineData("aarch64")]
    [InlineData("riscv64")]
    public async Task Every_check_works_with_symbols_and_none_on_the_same_bytes_without(string isaName)
    {
        var ct = TestContext.Current.CancellationToken;
        var isa = Isa.Parse(isaName);
        var (plan, gcc) = await Compiled.BuildAsync(_services, "copy_name", "v1", new Target(isa, "gcc", "-O2"), ct);
        string folder = Path.GetFullPath(plan.Task.Folder);

        var (withSymbols, command) = await GdbChecklist.RunAsync(plan, isa, gcc, folder, _services.Runner, _services.Workspace, ct);
        Assert.Equal(GdbChecklist.Checks, withSymbols.Select(r => r.Check));
        Assert.All(withSymbols, r => Assert.True(r.Passed, $"{r.Check}: {r.Evidence}"));
        Assert.Contains(withSymbols, r => r.Check == "print" && r.Evidence.Contains("'X'"));  // dst, the output buffer, by name
        Assert.Contains("bwrap --unshare-", command);

        var (bare, _) = await GdbChecklist.RunAsync(plan, isa, gcc.BytesOnly(), folder, _services.Runner, _services.Workspace, ct);
        Assert.All(bare, r => Assert.False(r.Passed, $"{r.Check}: {r.Evidence}"));
        Assert.Contains(bare, r => r.Check == "break" && r.Evidence.Contains("Function \"copy_name\" not defined"));
        Assert.Contains(bare, r => r.Check == "backtrace" && r.Evidence.Contains("?? ()"));
    }

    [Fact]
    public void A_breakpoint_gdb_resolves_to_several_locations_still_counts_as_break_by_name()
    {
        // What gdb printed for gcc -O2's binom, which it split into two locations.
        const string output = """
            @@ready
            #0  sl_debug_ready () at /var/tmp/run/work/harness/binom/v1/sl_runtime.h:377
            @@break
            Breakpoint 2 at 0x7ffff7fba000: binom. (2 locations)
            Temporary breakpoint 3 at 0x7ffff7fba000: file /work/main/tasks/binom/ref.c, line 5.
            @@list
            @@end
            """;
        Assert.True(GdbChecklist.Judge(output, "binom").Single(r => r.Check == "break").Passed);
        var notDefined = GdbChecklist.Judge("@@ready\n#0  sl_debug_ready () at x.h:1\n@@break\nFunction \"binom\" not defined.\n@@end\n", "binom");
        Assert.All(notDefined, r => Assert.False(r.Passed));
        Assert.All(notDefined, r => Assert.Equal("ok", r.Status));
        // Every marker echoed, but gdb never stood in sl_debug_ready (qemu never listened): the
        // checks are the tool's failure, not the artifact's.
        var neverStopped = GdbChecklist.Judge("@@ready\nNo stack.\n@@break\nFunction \"binom\" not defined.\n@@list\n@@end\n", "binom");
        Assert.All(neverStopped, r => Assert.Equal("tool_error", r.Status));
    }

    [Fact(Timeout = 120_000)]
    public async Task A_debugger_that_cannot_start_gives_tool_errors_not_failed_checks()
    {
        // gdb is installed here, so its absence is stood in for by a debugger name that does not
        // exist: the sandboxed shell then cannot start it, exactly as with gdb missing.
        var ct = TestContext.Current.CancellationToken;
        var (plan, gcc) = await Compiled.BuildAsync(_services, "copy_name", "v1", new Target(Isa.X86_64, "gcc", "-O2"), ct);
        var (results, _) = await GdbChecklist.RunAsync(plan, Isa.X86_64, gcc, Path.GetFullPath(plan.Task.Folder), _services.Runner, _services.Workspace, ct,
            debugger: "gdb-stand-in-for-a-missing-gdb");
        Assert.Equal(GdbChecklist.Checks, results.Select(r => r.Check));
        Assert.All(results, r => Assert.Equal("tool_error", r.Status));
        Assert.All(results, r => Assert.Contains("not found", r.Evidence));
    }
}

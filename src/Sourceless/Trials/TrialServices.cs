using Sourceless.Artifacts;
using Sourceless.Contenders;
using Sourceless.Harness;
using Sourceless.Sandbox;
using Sourceless.Tools;

namespace Sourceless.Trials;

/// <summary>The wiring of one run: a workspace folder and the services built on it.</summary>
public sealed class TrialServices : IAsyncDisposable
{
    /// <summary>SOURCELESS_RUNS=process runs every bare image in a sandbox of its own, as before
    /// pooled runners (the baseline of 'sourceless bench trial'); anything else pools them.</summary>
    public static bool PooledRunsByDefault => Environment.GetEnvironmentVariable("SOURCELESS_RUNS") != "process";

    public Workspace Workspace { get; }
    public ToolRunner Tools { get; }
    public ImportTable Imports { get; }
    public LibDep LibDep { get; }
    public HarnessBuilder Harness { get; }
    public Sandbox.Sandbox Sandbox { get; }
    public ArtifactRunner Runner { get; }
    public TestPlanner Planner { get; }
    public ContenderServices Contenders { get; }
    /// <summary>Trusted tools on untrusted text (model replies, model-written source), sandboxed.</summary>
    public UntrustedBuild Untrusted { get; }
    public int Jobs { get; }

    /// <param name="sandbox">The sandbox to run in; by default one of <paramref name="jobs"/> slots
    /// with <paramref name="limits"/> (a test may give one that runs as a non-root user).</param>
    /// <param name="driverCache">The built-driver cache (default: the machine's, HarnessBuilder.DriverCacheDir).</param>
    /// <param name="pooledRuns">Bare runs through pooled runners (default: <see cref="PooledRunsByDefault"/>).</param>
    public TrialServices(string workFolder, int jobs, SandboxLimits? limits = null, Sandbox.Sandbox? sandbox = null, string? driverCache = null, bool? pooledRuns = null)
    {
        Jobs = jobs;
        Workspace = new Workspace(workFolder);
        Tools = ToolRunner.Shared;
        Imports = ImportTable.Load();
        LibDep = new LibDep(Workspace, Tools);
        Harness = new HarnessBuilder(Workspace, Tools, LibDep, Imports) { DriverCache = driverCache ?? HarnessBuilder.DriverCacheDir };
        Sandbox = sandbox ?? new Sandbox.Sandbox(limits ?? SandboxLimits.Default, jobs);
        Runner = new ArtifactRunner(Harness, Sandbox, pooledRuns ?? PooledRunsByDefault);
        Untrusted = new UntrustedBuild(Sandbox, Tools);
        Planner = new TestPlanner(Harness, Runner, Tools, Untrusted);
        Contenders = new ContenderServices(Tools, new FlatImageLinker(Tools, Imports), Harness, Untrusted);
    }

    /// <summary>Closes the pooled runners (idle ones close by themselves after a few seconds).</summary>
    public ValueTask DisposeAsync() => Runner.DisposeAsync();
}

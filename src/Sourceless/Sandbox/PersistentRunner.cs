using System.Globalization;
using System.Text;
using Sourceless.Harness;
using Sourceless.Targets;
using Sourceless.Tools;

namespace Sourceless.Sandbox;

/// <summary>One change to an artifact: a bit flip (mask of bits in one byte) or a whole image.</summary>
public abstract record Mutant(long Id);
public sealed record FlipMutant(long Id, int Offset, byte Mask) : Mutant(Id);
public sealed record ImageMutant(long Id, byte[] Image) : Mutant(Id);

/// <summary>How one mutant's tests ended; FaultOffset is -1 unless a crash was located in the image.</summary>
public sealed record MutantResult(long Id, OutcomeKind Kind, int Signal, int CasesPassed, long FaultOffset);

/// <summary>
/// Runs many mutants of one artifact through one sandboxed driver in --serve mode: the driver and
/// qemu start once. Bit flips run one after another in a loop child, which puts its writable memory
/// back after each one (harness/sl_runtime.c, "Many mutants in one child"); whole images, and flips
/// with <c>forkEach</c>, cost one fork each. A crash or hang ends only that mutant; if the runner
/// itself dies, it is restarted for the rest.
/// </summary>
public sealed class PersistentRunner(ArtifactRunner runner)
{
    /// <summary>How much larger the budget of a confirmation run is than the first: the sandbox's factor.</summary>
    public const int ConfirmFactor = Sandbox.ConfirmFactor;

    /// <summary>
    /// Runs every mutant, then confirms each one that ran out of its budget before calling it
    /// hung: it runs again in a fresh runner, with <see cref="ConfirmFactor"/> times the
    /// budget, and that run decides. The CPU time of a run near its budget depends on more than
    /// the mutant (the machine's load, what the runner ran before, qemu's translation cache); a
    /// mutant that really hangs is far past any budget, one that is merely slow ends well inside
    /// the larger one, so the stored outcome no longer depends on the machine (docs/architecture.md).
    /// </summary>
    /// <param name="timeoutMs">CPU budget of each mutant's child (<see cref="MutantBudget"/>).</param>
    /// <param name="warm">Let the runner run the cases once (against a stub, never the artifact)
    /// before the first mutant, so children inherit qemu's translated driver and libc; off only
    /// when measuring one process per mutant.</param>
    /// <param name="forkEach">One forked child per bit flip instead of the loop child (what
    /// <c>bench flips</c> compares it with).</param>
    public async Task<IReadOnlyList<MutantResult>> RunAsync(TestPlan plan, Isa isa, byte[] baseImage, IReadOnlyList<Mutant> mutants,
        int timeoutMs, CancellationToken ct, bool warm = true, bool forkEach = false)
    {
        var first = await RunOnceAsync(plan, isa, baseImage, mutants, timeoutMs, ct, warm, forkEach);
        var hung = first.Where(r => r.Kind == OutcomeKind.TimedOut).Select(r => r.Id).ToHashSet();
        if (hung.Count == 0) return first;
        var again = await RunOnceAsync(plan, isa, baseImage, mutants.Where(m => hung.Contains(m.Id)).ToList(), timeoutMs * ConfirmFactor, ct, warm, forkEach);
        var confirmed = again.ToDictionary(r => r.Id);
        return first.Select(r => confirmed.GetValueOrDefault(r.Id) ?? r).ToList();
    }

    private async Task<IReadOnlyList<MutantResult>> RunOnceAsync(TestPlan plan, Isa isa, byte[] baseImage, IReadOnlyList<Mutant> mutants,
        int timeoutMs, CancellationToken ct, bool warm, bool forkEach)
    {
        var harness = runner.Harness;
        string driver = await harness.BareDriverAsync(plan, isa, ct);
        // The expected lines go in on stdin (--expect -), as keyed hashes: as a file they would be in
        // the sandbox, as text in the memory every mutant child copies.
        byte[] expect = ExpectedHash.Block(plan.Expected, BitConverter.ToUInt64(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8)));
        string image = harness.Workspace.ImagePath(baseImage);
        var results = new Dictionary<long, MutantResult>();
        var pending = mutants.ToList();
        for (int attempt = 0; pending.Count > 0; attempt++)
        {
            if (attempt == 3)
            {
                foreach (var m in pending) results[m.Id] = new MutantResult(m.Id, OutcomeKind.CouldNotStart, 0, 0, -1);
                break;
            }
            var answered = await SessionAsync(plan, isa, driver, image, expect, pending, timeoutMs, warm, forkEach, results, ct);
            // A runner that stopped answering: the mutant it was on is recorded as such, the rest retried.
            if (answered < pending.Count)
            {
                var stuck = pending[answered];
                results[stuck.Id] = new MutantResult(stuck.Id, OutcomeKind.CouldNotStart, 0, 0, -1);
                pending = pending.Skip(answered + 1).ToList();
            }
            else pending = [];
        }
        return mutants.Select(m => results[m.Id]).ToList();
    }

    private async Task<int> SessionAsync(TestPlan plan, Isa isa, string driver, string image, byte[] expect, List<Mutant> batch,
        int timeoutMs, bool warm, bool forkEach, Dictionary<long, MutantResult> results, CancellationToken ct)
    {
        var args = new List<string> { "--serve", image, "--expect", "-", "--sandboxed", "--token", "--timeout-ms", timeoutMs.ToString(CultureInfo.InvariantCulture) };
        if (!warm) args.Add("--no-warm");
        if (forkEach) args.Add("--fork-each");
        var request = await runner.RequestAsync(plan, isa, driver, args, [image], LibDep.Current, ct);
        // Budget: every mutant may reach its wall-clock backstop (4x its CPU budget + 0.5 s), plus start-up.
        var wall = TimeSpan.FromMilliseconds(30_000 + (long)batch.Count * (4L * timeoutMs + 750));
        for (int attempt = 1; ; attempt++)
        {
            await using var session = await runner.Sandbox.StartSessionAsync(request, wall, ct);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, session.Deadline);
            try
            {
                await session.Input.WriteAsync(Encoding.ASCII.GetBytes($"T {DriverReport.NewToken()}\n"), linked.Token);
                await session.Input.WriteAsync(expect, linked.Token);
                await session.Input.FlushAsync(linked.Token);
            }
            catch (IOException) { } // the runner died at start: its stderr says why, below
            var ready = await session.Output.ReadLineAsync(linked.Token);
            if (ready == "#ready") return await ServeAsync(session, batch, results, linked.Token, ct);
            string error = await session.StandardErrorAsync;
            // bwrap short of processes or namespaces for a moment says nothing about the artifact.
            bool transient = ready is null && error.StartsWith("bwrap:", StringComparison.Ordinal)
                && error.Contains("Resource temporarily unavailable", StringComparison.Ordinal);
            if (!transient || attempt == 4)
                throw new ToolFailedException("starting the persistent runner", "bwrap", session.CommandLine, $"{ready}\n{error}".Trim());
            await Task.Delay(100 * attempt * attempt, ct);
        }
    }

    private static async Task<int> ServeAsync(SandboxSession session, List<Mutant> batch, Dictionary<long, MutantResult> results,
        CancellationToken linked, CancellationToken ct)
    {
        var writer = Task.Run(async () =>
        {
            try
            {
                foreach (var m in batch)
                {
                    byte[] line = m switch
                    {
                        FlipMutant f => Encoding.ASCII.GetBytes($"F {f.Id} {f.Offset} {f.Mask}\n"),
                        ImageMutant i => Encoding.ASCII.GetBytes($"I {i.Id} {i.Image.Length}\n"),
                        _ => throw new InvalidOperationException(),
                    };
                    await session.Input.WriteAsync(line, linked);
                    if (m is ImageMutant img) await session.Input.WriteAsync(img.Image, linked);
                }
                await session.Input.WriteAsync("Q\n"u8.ToArray(), linked);
                await session.Input.FlushAsync(linked);
            }
            catch (IOException) { } // the runner died; the reader sees it
            catch (OperationCanceledException) { }
        }, CancellationToken.None);
        int answered = 0;
        var byId = batch.ToDictionary(m => m.Id);
        try
        {
            while (answered < batch.Count)
            {
                var line = await session.Output.ReadLineAsync(linked);
                if (line is null) break;
                if (!line.StartsWith("R ", StringComparison.Ordinal)) continue;
                var p = line.Split(' ');
                if (p.Length != 6) continue;
                long id = long.Parse(p[1], CultureInfo.InvariantCulture);
                if (!byId.ContainsKey(id)) continue;
                results[id] = new MutantResult(id, Outcome.Parse(p[2]), int.Parse(p[3], CultureInfo.InvariantCulture),
                    int.Parse(p[4], CultureInfo.InvariantCulture), long.Parse(p[5], CultureInfo.InvariantCulture));
                answered++;
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested) { }
        await writer;
        return answered;
    }
}

using System.Diagnostics;
using System.Globalization;
using Sourceless.Artifacts;
using Sourceless.Tasks;
using Sourceless.Targets;

namespace Sourceless.Contenders;

/// <summary>
/// "Stochastic error added to a solved problem": the target compiler's bytes with independent
/// bit flips at rate P per bit, a fresh seeded draw per generation. It hands over bare bytes only,
/// as a direct-binary generator would: no source, no object file, no declared dependencies.
/// </summary>
public sealed class NoisyContender(double rate, IReadOnlyDictionary<string, IContender> compilers) : IContender
{
    /// <summary>"noisy:P", P a bit-flip rate in [0, 1].</summary>
    public sealed class Kind : IContenderKind
    {
        public string Prefix => "noisy";
        public string Syntax => "noisy:P";
        public string Help => "the compiler's bytes with seeded independent bit flips at rate P per bit (0 to 1)";
        public string Canonical(string name) => NameOf(Rate(name));
        public IContender Create(string canonical, ContenderContext context) => new NoisyContender(Rate(canonical), context.Compilers);
        public IReadOnlyList<string> Strategies(string canonical) => Rate(canonical) > 0 ? [Search.SearchStrategy.Best] : [];

        private static double Rate(string name)
        {
            string text = name.Length > "noisy:".Length ? name["noisy:".Length..] : "";
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double p) || p < 0 || p > 1 || double.IsNaN(p))
                throw new UserError($"contender '{name}': P must be a bit-flip rate between 0 and 1, e.g. noisy:0.001");
            return p;
        }
    }

    private static string NameOf(double rate) => "noisy:" + rate.ToString("0.######", CultureInfo.InvariantCulture);

    public double Rate => rate;

    public string Name => NameOf(rate);

    public string Description => $"the compiler's bytes with seeded independent bit flips at rate {rate.ToString(CultureInfo.InvariantCulture)} per bit";

    public bool Serves(Target target) => compilers.ContainsKey(target.Compiler);

    public async Task<Generation> GenerateAsync(GenerationRequest request, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        var inner = await compilers[request.Target.Compiler].GenerateAsync(request, ct);
        if (inner.Artifact is null) return inner;
        sw.Restart();
        var rng = new SplitMix64(request.SeedFor(Name));
        var code = Flip(inner.Artifact.Code, rate, rng);
        var artifact = new Artifact(request.Task.Name, request.Version.Label, Name, request.Target, request.Index, code, null, null, []);
        sw.Stop();
        // Its latency is the compile it stands on plus the flips (the compile may have been shared
        // with the compiler contender's own slot, so the wait here says nothing).
        return new Generation(artifact, null, inner.LatencyMs + sw.Elapsed.TotalMilliseconds, inner.Invocations);
    }

    /// <summary>Flips each bit independently with probability p, drawing the gap to the next flip
    /// from the geometric distribution (one draw per flip, not one per bit).</summary>
    public static byte[] Flip(byte[] code, double p, SplitMix64 rng)
    {
        var result = (byte[])code.Clone();
        if (p <= 0) return result;
        long bits = (long)code.Length * 8;
        double logq = Math.Log(1 - Math.Min(p, 0.999999));
        long pos = -1;
        while (true)
        {
            double u = 1 - rng.NextDouble();
            pos += 1 + (long)Math.Floor(Math.Log(u) / logq);
            if (pos >= bits || pos < 0) break;
            result[pos / 8] ^= (byte)(1 << (int)(pos % 8));
        }
        return result;
    }
}

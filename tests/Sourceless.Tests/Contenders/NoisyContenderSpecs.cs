using Sourceless.Contenders;
using Sourceless.Tasks;

namespace Sourceless.Tests.Contenders;

[Trait(Quick.Trait, Quick.Value)]
public sealed class NoisyContenderSpecs
{
    private static int BitsDiffering(byte[] a, byte[] b) => a.Zip(b).Sum(p => System.Numerics.BitOperations.PopCount((uint)(p.First ^ p.Second)));

    [Fact]
    public void Flips_happen_at_the_requested_rate()
    {
        var code = new byte[100_000];
        var flipped = NoisyContender.Flip(code, 0.001, new SplitMix64(42));
        int flips = BitsDiffering(code, flipped);
        // 800,000 bits at p = 0.001: mean 800, sd ~28; five sd either side.
        Assert.InRange(flips, 660, 940);
    }

    [Fact]
    public void The_same_seed_gives_the_same_flips_and_rate_zero_gives_the_compiler_bytes()
    {
        var code = Enumerable.Range(0, 4096).Select(i => (byte)i).ToArray();
        Assert.Equal(NoisyContender.Flip(code, 0.01, new SplitMix64(7)), NoisyContender.Flip(code, 0.01, new SplitMix64(7)));
        Assert.NotEqual(NoisyContender.Flip(code, 0.01, new SplitMix64(7)), NoisyContender.Flip(code, 0.01, new SplitMix64(8)));
        Assert.Equal(code, NoisyContender.Flip(code, 0, new SplitMix64(7)));
    }

    [Fact]
    public void Contender_names_are_validated_and_normalised()
    {
        Assert.Equal(["gcc", "noisy:0.001"], ContenderRegistry.ParseNames("gcc, noisy:1e-3"));
        Assert.Contains("unknown contender 'icc'", Assert.Throws<UserError>(() => ContenderRegistry.ParseNames("gcc,icc")).Message);
        Assert.Throws<UserError>(() => ContenderRegistry.ParseNames("noisy:2"));
        Assert.Throws<UserError>(() => ContenderRegistry.ParseNames("gcc,gcc"));
    }
}

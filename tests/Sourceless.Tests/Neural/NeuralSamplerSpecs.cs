using Sourceless.Contenders;
using Sourceless.Targets;
using Sourceless.Tests.Support;

namespace Sourceless.Tests.Neural;

/// <summary>The shipped model sampled in one batch gives each sample the bytes a decode of its own
/// gives (same seed): @best:K may draw in batches without changing a single candidate.</summary>
public sealed class NeuralSamplerSpecs : IDisposable
{
    private readonly TempFolder _tmp = new("sl-sampler");

    public void Dispose() => _tmp.Dispose();

    [Theory]
    [InlineData("sign3")]
    [InlineData("max3")]
    [InlineData("avg_floor")]
    public async Task Samples_drawn_as_one_batch_are_the_samples_drawn_one_at_a_time(string task)
    {
        var ct = TestContext.Current.CancellationToken;
        var t = Compiled.Task(task);
        var neural = new NeuralContender(0.8, NeuralContender.DefaultCheckpointPath);
        var request = new GenerationRequest(t, t.V1, Target.Parse("x86_64/gcc/-O2"), 0, 7, _tmp.Sub("h"), _tmp.Sub("w"));
        var batch = await neural.SampleAsync(request, [0, 1, 2, 3, 4, 5, 6, 7], ct);
        var distinct = new HashSet<string>();
        for (int s = 0; s < 8; s++)
        {
            var alone = await neural.GenerateAsync(request with { Sample = s }, ct);
            Assert.Equal(alone.Failure, batch[s].Failure);
            Assert.Equal(Convert.ToHexString(alone.Artifact?.Code ?? []), Convert.ToHexString(batch[s].Artifact?.Code ?? []));
            distinct.Add(Convert.ToHexString(alone.Artifact?.Code ?? []));
        }
        // Sampling at 0.8 draws different code from different seeds: the equality above is not of eight copies.
        Assert.True(distinct.Count > 1, $"{task}: all eight samples are the same bytes");
    }
}

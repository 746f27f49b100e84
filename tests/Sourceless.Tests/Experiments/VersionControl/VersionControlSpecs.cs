using Sourceless.Experiments.VersionControl;
using Sourceless.Targets;
using Sourceless.Tests.Support;
using Sourceless.Trials;

namespace Sourceless.Tests.Experiments.VersionControl;

/// <summary>Experiment 5 on planted diffs with known hunks, through real diff, bsdiff and addr2line.</summary>
public sealed class VersionControlSpecs : IDisposable
{
    private readonly TempFolder _tmp = new("sl-vc");
    private readonly TrialServices _services;

    public VersionControlSpecs() => _services = new TrialServices(_tmp.Sub("work"), 2);

    public void Dispose() => _tmp.Dispose();

    [Fact(Timeout = 180_000)]
    public async Task One_planted_byte_inside_the_function_is_one_hunk_attributed_to_it_and_nothing_outside()
    {
        var ct = TestContext.Current.CancellationToken;
        var (_, v1) = await Compiled.BuildAsync(_services, "add_sat", "v1", new Target(Isa.X86_64, "gcc", "-O2"), ct);
        var code = (byte[])v1.Code.Clone();
        code[2] ^= 0xff;
        var planted = v1 with { Id = v1.Id + "+planted", Code = code };
        var d = await VersionControlExperiment.DiffAsync(v1, planted, "add_sat", _services, ct);
        Assert.Equal((1, 1, 2, 0), (d.Hunks, d.HunksAttributed, d.BytesChanged, d.BytesOutsideFunction ?? -1));
        Assert.Contains("add_sat ref.c:", d.HunkDetail);
        Assert.Equal(0, d.SourceLinesChanged); // same source: an empty source diff
        Assert.True(d.BsdiffBytes > 0);
    }

    [Fact(Timeout = 180_000)]
    public async Task The_change_request_diff_is_readable_with_source_and_symbols_and_anonymous_as_bytes()
    {
        var ct = TestContext.Current.CancellationToken;
        var target = new Target(Isa.Aarch64, "gcc", "-O2");
        var (_, v1) = await Compiled.BuildAsync(_services, "add_sat", "v1", target, ct);
        var (_, v2) = await Compiled.BuildAsync(_services, "add_sat", "v2", target, ct);
        var full = await VersionControlExperiment.DiffAsync(v1, v2, "add_sat", _services, ct);
        Assert.Contains("\n-", full.SourceDiff);
        Assert.Contains("\n+", full.SourceDiff);
        Assert.True(full.Hunks > 0);
        Assert.Equal(full.Hunks, full.HunksAttributed);
        Assert.Equal("symbols + DWARF line table", full.Attribution);

        var bare = await VersionControlExperiment.DiffAsync(v1.BytesOnly(), v2.BytesOnly(), "add_sat", _services, ct);
        Assert.Null(bare.SourceDiff);
        Assert.Equal((full.Hunks, full.BytesChanged, 0), (bare.Hunks, bare.BytesChanged, bare.HunksAttributed));
        Assert.Null(bare.BytesOutsideFunction);
        Assert.StartsWith("none", bare.Attribution);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_bsdiff_that_fails_measures_nothing_rather_than_minus_one()
    {
        var ct = TestContext.Current.CancellationToken;
        string a = _tmp.Sub("a.bin"), b = _tmp.Sub("b.bin"), patch = _tmp.Sub("patch-is-a-folder");
        await File.WriteAllBytesAsync(a, [1, 2, 3, 4], ct);
        await File.WriteAllBytesAsync(b, [1, 2, 9, 4], ct);
        Directory.CreateDirectory(patch); // the real bsdiff cannot write its patch there
        Assert.Null(await VersionControlExperiment.BsdiffBytesAsync(Tools.ToolRunner.Shared, a, b, patch, ct));
        Assert.True(await VersionControlExperiment.BsdiffBytesAsync(Tools.ToolRunner.Shared, a, b, _tmp.Sub("ok.bsdiff"), ct) > 0);
    }
}

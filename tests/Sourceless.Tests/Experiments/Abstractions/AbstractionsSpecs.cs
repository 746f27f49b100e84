using Sourceless.Experiments.Abstractions;
using Sourceless.Targets;
using Sourceless.Tests.Support;
using Sourceless.Trials;

namespace Sourceless.Tests.Experiments.Abstractions;

/// <summary>Experiment 7: what structure readelf and the symbol table recover, with and without.</summary>
public sealed class AbstractionsSpecs : IDisposable
{
    private readonly TempFolder _tmp = new("sl-abs");
    private readonly TrialServices _services;

    public AbstractionsSpecs() => _services = new TrialServices(_tmp.Sub("work"), 2);

    public void Dispose() => _tmp.Dispose();

    [Theory(Timeout = 180_000)]
    [InlineData("x86_64", "clang")]
    [InlineData("riscv64", "gcc")]
    public async Task The_compiler_artifact_names_its_function_and_types_its_parameters_and_bare_bytes_recover_nothing(string isa, string compiler)
    {
        var ct = TestContext.Current.CancellationToken;
        var (_, a) = await Compiled.BuildAsync(_services, "dot_product", "v1", new Target(Isa.Parse(isa), compiler, "-O2"), ct);
        var s = await AbstractionsExperiment.MeasureAsync(a, "dot_product", 3, _services, ct);
        Assert.True(s.FunctionsNamed >= 1, s.Evidence);
        Assert.Equal(3, s.ParamsTyped);
        Assert.InRange(s.NamedBytes, 1, s.CodeBytes);
        Assert.Contains("param a", s.Evidence);

        var bare = await AbstractionsExperiment.MeasureAsync(a.BytesOnly(), "dot_product", 3, _services, ct);
        Assert.Equal((0, 0, 0, 0, 0), (bare.FunctionsNamed, bare.ParamsTyped, bare.LocalsTyped, bare.NamedBytes, bare.CommentLines));
    }

    [Fact]
    public void Comment_lines_are_counted_in_the_contenders_own_source_only()
    {
        string source = """
            /* task.h for x: generated */
            int x(int);
            /* ref.c */
            #include "task.h"
            // one
            int x(int a) /* two */
            {
                /* three
                   four */
                return a;
            }
            """;
        Assert.Equal(4, AbstractionsExperiment.CommentLines(source));
    }
}

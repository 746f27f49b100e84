using Sourceless.Neural;
using Sourceless.Tests.Support;

namespace Sourceless.Tests.Neural;

/// <summary>A checkpoint's corpus recipe makes the training bodies again without the corpus files:
/// a real corpus (real gcc) read as a training set gives the recipe, and the recipe alone gives the
/// same bodies, so `neural eval` tells seen from unseen exactly as it would with --corpus.</summary>
public sealed class CorpusRecipeSpecs : IDisposable
{
    private readonly TempFolder _tmp = new("sl-recipe");

    public void Dispose() => _tmp.Dispose();

    [Fact]
    public async Task The_recipe_of_a_real_corpus_makes_its_bodies_again()
    {
        var ct = TestContext.Current.CancellationToken;
        string corpus = _tmp.Sub("corpus");
        var r = await Support.Cli.RunAsync(["corpus", "--tiers", "1", "-n", "40", "--seed", "5", "--targets", "x86_64/gcc/-O2", "--out", corpus, "--cache", _tmp.Sub("cache")], ct);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var set = await TrainingSet.LoadAsync([corpus], null, 192, int.MaxValue, ct);
        Assert.Equal([new CorpusRecipe("exprgen", 1, 5, 40)], set.Recipes);
        var remade = CorpusRecipe.Bodies(set.Recipes);
        Assert.NotNull(remade);
        Assert.True(set.Bodies.SetEquals(remade!), $"{set.Bodies.Count} bodies in the corpus, {remade!.Count} made again");
        // A part that cannot be made again (not exprgen) leaves seen and unseen undecided.
        Assert.Null(CorpusRecipe.Bodies(CorpusRecipe.Of(["exprgen/t1/5/0", "tasks/add_sat"])));
    }
}

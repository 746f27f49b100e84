using Sourceless.Contenders;

namespace Sourceless.Tests.Contenders;

/// <summary>Contender kinds own their names: the registry is a list of kinds and nothing else.</summary>
[Trait(Quick.Trait, Quick.Value)]
public sealed class ContenderKindSpecs
{
    [Fact]
    public void Every_kind_has_its_own_prefix_help_and_canonical_spelling()
    {
        Assert.Equal(ContenderRegistry.Kinds.Count, ContenderRegistry.Kinds.Select(k => k.Prefix).Distinct().Count());
        Assert.All(ContenderRegistry.Kinds, k => Assert.False(string.IsNullOrWhiteSpace(k.Help)));
        Assert.Equal(["gcc", "clang", "noisy:0.001", "neural", "neural:0.7", "llm:http://127.0.0.1:8080/v1#asm"],
            ContenderRegistry.ParseNames("gcc, clang,noisy:1e-3,neural:0,neural:0.70,llm:http://127.0.0.1:8080/v1/#asm"));
        Assert.IsType<NoisyContender.Kind>(ContenderRegistry.KindOf("noisy:0.5"));
        Assert.Null(ContenderRegistry.KindOf("gccx"));
    }

    [Fact]
    public void A_bad_argument_is_refused_by_its_kind_naming_the_choices()
    {
        Assert.Contains("between 0 and 1", Assert.Throws<UserError>(() => ContenderRegistry.ParseNames("noisy:2")).Message);
        Assert.Contains("between 0 and 5", Assert.Throws<UserError>(() => ContenderRegistry.ParseNames("neural:x")).Message);
        Assert.Contains("hex, asm or c", Assert.Throws<UserError>(() => ContenderRegistry.ParseNames("llm:http://h/v1#rust")).Message);
        var unknown = Assert.Throws<UserError>(() => ContenderRegistry.ParseNames("gpt")).Message;
        Assert.All(ContenderRegistry.Kinds, k => Assert.Contains(k.Syntax, unknown));
    }

    [Fact]
    public void Trial_help_names_the_defaults_the_code_uses()
    {
        Assert.Contains(ContenderRegistry.Defaults, ContenderRegistry.HelpText);
        Assert.All(ContenderRegistry.Kinds, k => Assert.Contains(k.Syntax, ContenderRegistry.HelpText));
    }

    [Fact]
    public void A_search_strategy_is_a_suffix_kept_in_the_canonical_name()
    {
        Assert.Equal(["noisy:0.01@best:4", "neural:0.8@best:16", "llm:http://127.0.0.1:8080/v1#asm@repair:3", "llm:http://127.0.0.1:8080/v1#hex@best:8"],
            ContenderRegistry.ParseNames("noisy:1e-2@best:4,neural:0.80@best:16,llm:http://127.0.0.1:8080/v1/#asm@repair:3,llm:http://127.0.0.1:8080/v1#hex@best:8"));
        Assert.IsType<NeuralContender.Kind>(ContenderRegistry.KindOf("neural:0.8@best:16"));
        // user@host in an endpoint is not a strategy.
        Assert.Equal(("llm:http://u@h:8080/v1#asm", (Sourceless.Contenders.Search.SearchStrategy?)null),
            Sourceless.Contenders.Search.SearchStrategy.Split("llm:http://u@h:8080/v1#asm"));
        Assert.Equal(("llm:http://u@h:8080", (Sourceless.Contenders.Search.SearchStrategy?)null),
            Sourceless.Contenders.Search.SearchStrategy.Split("llm:http://u@h:8080"));
    }

    [Theory]
    [InlineData("gcc@best:4", "gcc cannot use @best")]
    [InlineData("neural@best:4", "neural cannot use @best")]
    [InlineData("noisy:0@best:4", "cannot use @best")]
    [InlineData("noisy:0.01@repair:2", "only llm:URL#mode")]
    [InlineData("noisy:0.01@best:1", "from 2 to 64")]
    [InlineData("noisy:0.01@best:65", "from 2 to 64")]
    [InlineData("llm:http://h/v1#asm@repair:0", "from 1 to 10")]
    [InlineData("llm:http://h/v1#asm@repair:x", "from 1 to 10")]
    [InlineData("noisy:0.01@beam:4", "unknown search strategy '@beam'")]
    [InlineData("llm:http://h/v1#asm@best:2@repair:2", "one search strategy per contender")]
    public void A_bad_strategy_is_refused_before_anything_runs_naming_the_choices(string name, string says)
    {
        var e = Assert.Throws<UserError>(() => ContenderRegistry.ParseNames(name));
        Assert.Contains(says, e.Message);
        Assert.Contains("@best:K", e.Message);
    }
}

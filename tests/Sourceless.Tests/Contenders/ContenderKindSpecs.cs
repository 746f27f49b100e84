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
}

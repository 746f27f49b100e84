namespace Sourceless.Tests.Support;

/// <summary>The trait of tests that need no toolchain, sandbox or trial: values, parsing, noise,
/// edit scripts, gradients, registries. `./sourceless test --quick` runs only these.</summary>
public static class Quick
{
    public const string Trait = "Speed";
    public const string Value = "Quick";
}

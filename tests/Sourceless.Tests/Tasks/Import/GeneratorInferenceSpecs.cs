using Sourceless.Tasks;
using Sourceless.Tasks.Import;
using Sourceless.Tests.Support;

namespace Sourceless.Tests.Tasks.Import;

[Trait(Quick.Trait, Quick.Value)]
public sealed class GeneratorInferenceSpecs
{
    private static Dictionary<string, string> Infer(string signature, string types = "") =>
        GeneratorInference.Infer(Signature.Parse(signature, Signature.ParseStructs(types))).ToDictionary(g => g.Param, g => g.Generator);

    [Fact]
    public void A_length_next_to_a_pointer_measures_it()
    {
        var g = Infer("long sum(const int *a, int n)");
        Assert.Equal("len(a)", g["n"]);
        Assert.Equal("array(int(-100,100),0,16)", g["a"]);
    }

    [Fact]
    public void Two_arrays_sharing_one_length_are_equally_long()
    {
        var g = Infer("long dot(const int *a, const int *b, size_t count)");
        Assert.Equal("len(a)", g["count"]);
        Assert.Equal($"array(int(-100,100),{GeneratorInference.SharedLength},{GeneratorInference.SharedLength})", g["a"]);
        Assert.Equal(g["a"], g["b"]);
    }

    [Fact]
    public void A_pointer_without_a_length_is_one_element_and_strings_are_strings()
    {
        var g = Infer("int parse(const char *s, int *out)");
        Assert.Equal("string(0,16)", g["s"]);
        Assert.Equal("array(int(-100,100),1,1)", g["out"]);
    }

    [Fact]
    public void Names_and_types_pick_the_ranges()
    {
        var g = Infer("unsigned f(int n, int x, unsigned char b, bool on, struct p q)", "struct p { int x; short y; };");
        Assert.Equal("int(0,20)", g["n"]);
        Assert.Equal("int(-1000,1000)", g["x"]);
        Assert.Equal("int(0,255)", g["b"]);
        Assert.Equal("int(0,1)", g["on"]);
        Assert.Equal("struct(int(-100,100),int(-100,100))", g["q"]);
    }

    [Fact]
    public void What_is_inferred_parses_as_a_random_line()
    {
        var sig = Signature.Parse("int f(const int *a, int n, const char *s)", new Dictionary<string, StructType>());
        var spec = RandomSpec.Parse(GeneratorInference.RandomLine(5, GeneratorInference.Infer(sig)), sig);
        Assert.Equal(5, spec.Count);
    }
}

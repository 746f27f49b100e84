using Sourceless.Tasks;
using Sourceless.Values;

namespace Sourceless.Tests.Values;

[Trait(Quick.Trait, Quick.Value)]
public sealed class ValueSyntaxSpecs
{
    private static readonly ScalarType Int = ScalarType.Lookup("int")!;
    private static readonly ScalarType Unsigned = ScalarType.Lookup("unsigned")!;

    [Fact]
    public void Integers_are_read_in_decimal_hex_negative_and_character_form()
    {
        var values = ValueParser.ParseList("42, -7, 0xff, 'a', '\\n', 18446744073709551615ULL");
        Assert.Equal([42, -7, 255, 97, 10, (Int128)ulong.MaxValue], values.Cast<IntValue>().Select(v => v.Number));
    }

    [Fact]
    public void Strings_arrays_and_structs_nest()
    {
        var v = ValueParser.Parse("[{1, \"a\\x01\\\"\"}, {2, \"\"}]");
        var arr = Assert.IsType<ArrayValue>(v);
        var first = Assert.IsType<StructValue>(arr.Items[0]);
        Assert.Equal(new byte[] { (byte)'a', 1, (byte)'"' }, Assert.IsType<StrValue>(first.Fields[1]).Bytes);
    }

    [Fact]
    public void The_arrow_inside_a_string_does_not_split_a_test_line()
    {
        var (args, expected) = ValueParser.SplitArrow("\"a => b\", 3 => \"x\"");
        Assert.Equal("\"a => b\", 3", args);
        Assert.Equal("\"x\"", expected);
    }

    [Fact]
    public void Canonical_text_wraps_integers_to_their_C_type_as_the_driver_prints_them()
    {
        Assert.Equal("4294967295", ValueText.Canonical(new IntValue(-1), Unsigned));
        Assert.Equal("-1", ValueText.Canonical(new IntValue(0xffffffff), Int));
        Assert.Equal("\"a\\\\b\\x0a\"", ValueText.Canonical(new StrValue("a\\b\n"u8.ToArray()), new PointerType(ScalarType.Lookup("char")!, false)));
    }

    [Fact]
    public void Malformed_values_are_rejected_with_the_offending_text()
    {
        var e = Assert.Throws<FormatException>(() => ValueParser.ParseList("[1, 2"));
        Assert.Contains("[1, 2", e.Message);
        Assert.Throws<FormatException>(() => ValueParser.ParseList("\"unterminated"));
        Assert.Throws<FormatException>(() => CLiteral.Integer(1L << 40, Int));
    }

    [Fact]
    public void C_literals_use_octal_escapes_that_cannot_swallow_the_next_character()
    {
        Assert.Equal("\"\\001b\\042\"", CLiteral.String([1, (byte)'b', (byte)'"']));
        Assert.Equal("((int)(-9223372036854775807LL-1))".Replace("int", "long"), CLiteral.Integer(long.MinValue, ScalarType.Lookup("long")!));
    }
}

namespace Sourceless.Tasks;

/// <summary>The C types a task signature may use: scalars, structs of scalars, pointers, void.</summary>
public abstract record CType
{
    public abstract string CName { get; }
}

public sealed record VoidType : CType
{
    public static readonly VoidType Instance = new();
    public override string CName => "void";
}

/// <summary>An integer type. <see cref="MinValue"/>/<see cref="MaxValue"/> bound the values a
/// test may use; plain <c>char</c> is limited to 0..127 because its signedness differs by ISA.</summary>
public sealed record ScalarType(string Name, int Bits, bool Signed, Int128 MinValue, Int128 MaxValue) : CType
{
    public override string CName => Name;

    public bool IsPlainChar => Name == "char";

    public static ScalarType? Lookup(string name) => Known.TryGetValue(name, out var t) ? t : null;

    private static ScalarType S(string name, int bits) =>
        new(name, bits, true, -(Int128.One << (bits - 1)), (Int128.One << (bits - 1)) - 1);

    private static ScalarType U(string name, int bits) =>
        new(name, bits, false, 0, (Int128.One << bits) - 1);

    private static readonly Dictionary<string, ScalarType> Known = new()
    {
        ["char"] = new("char", 8, true, 0, 127),
        ["signed char"] = S("signed char", 8),
        ["unsigned char"] = U("unsigned char", 8),
        ["int8_t"] = S("int8_t", 8),
        ["uint8_t"] = U("uint8_t", 8),
        ["short"] = S("short", 16),
        ["unsigned short"] = U("unsigned short", 16),
        ["int16_t"] = S("int16_t", 16),
        ["uint16_t"] = U("uint16_t", 16),
        ["int"] = S("int", 32),
        ["signed"] = S("int", 32),
        ["int32_t"] = S("int32_t", 32),
        ["unsigned"] = U("unsigned", 32),
        ["unsigned int"] = U("unsigned", 32),
        ["uint32_t"] = U("uint32_t", 32),
        ["long"] = S("long", 64),
        ["long long"] = S("long long", 64),
        ["int64_t"] = S("int64_t", 64),
        ["ssize_t"] = S("ssize_t", 64),
        ["ptrdiff_t"] = S("ptrdiff_t", 64),
        ["unsigned long"] = U("unsigned long", 64),
        ["unsigned long long"] = U("unsigned long long", 64),
        ["uint64_t"] = U("uint64_t", 64),
        ["size_t"] = U("size_t", 64),
        ["bool"] = new("bool", 8, false, 0, 1),
    };
}

public sealed record StructField(string Name, ScalarType Type);

public sealed record StructType(string Name, IReadOnlyList<StructField> Fields) : CType
{
    public override string CName => "struct " + Name;
    public bool Equals(StructType? other) => other is not null && Name == other.Name;
    public override int GetHashCode() => Name.GetHashCode(StringComparison.Ordinal);
}

/// <summary>A pointer. <c>const char *</c> is an input string, <c>char *</c> a writable string
/// buffer; any other pointer points at one struct or an array, decided by the test literal.</summary>
public sealed record PointerType(CType Target, bool Const) : CType
{
    public override string CName => (Const ? "const " : "") + Target.CName + " *";
    public bool IsInputString => Const && Target is ScalarType { IsPlainChar: true };
    public bool IsStringBuffer => !Const && Target is ScalarType { IsPlainChar: true };
}

public sealed record Parameter(string Name, CType Type);

namespace Sourceless.Values;

/// <summary>A test value as written in a task's tests or produced by a random-input generator.</summary>
public abstract record Value;

/// <summary>An integer; Int128 holds every value of the 64-bit signed and unsigned C types.</summary>
public sealed record IntValue(Int128 Number) : Value;

/// <summary>A byte string (C string without its terminator).</summary>
public sealed record StrValue(byte[] Bytes) : Value
{
    public bool Equals(StrValue? other) => other is not null && Bytes.AsSpan().SequenceEqual(other.Bytes);
    public override int GetHashCode() => Bytes.Length;
}

/// <summary>An array literal <c>[a, b, c]</c>: the storage behind a pointer parameter.</summary>
public sealed record ArrayValue(IReadOnlyList<Value> Items) : Value
{
    public bool Equals(ArrayValue? other) => other is not null && Items.SequenceEqual(other.Items);
    public override int GetHashCode() => Items.Count;
}

/// <summary>A struct literal <c>{a, b}</c>, fields in declaration order.</summary>
public sealed record StructValue(IReadOnlyList<Value> Fields) : Value
{
    public bool Equals(StructValue? other) => other is not null && Fields.SequenceEqual(other.Fields);
    public override int GetHashCode() => Fields.Count;
}

namespace Sourceless.Tasks;

/// <summary>
/// A small, explicit PRNG (SplitMix64). Sourceless promises "same seed, same results" across
/// machines and .NET versions, which System.Random does not document; this one is fixed here.
/// </summary>
public sealed class SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public int Next(int exclusiveMax) => (int)(NextUInt64() % (ulong)exclusiveMax);

    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public Int128 Between(Int128 lo, Int128 hi)
    {
        var span = (UInt128)(hi - lo) + 1;
        var r = ((UInt128)NextUInt64() << 64 | NextUInt64()) % span;
        return lo + (Int128)r;
    }

    /// <summary>A stable seed from parts (FNV-1a over their UTF-8), for per-item streams.</summary>
    public static ulong SeedFrom(params object[] parts)
    {
        ulong h = 14695981039346656037UL;
        foreach (var part in parts)
        {
            foreach (byte b in System.Text.Encoding.UTF8.GetBytes(part.ToString() + "\u001f"))
            {
                h ^= b;
                h *= 1099511628211UL;
            }
        }
        return h;
    }
}

using System.Text;

namespace Sourceless.Sandbox;

/// <summary>
/// The keyed 64-bit hash the persistent runner compares a case's output with (sl_hash in
/// harness/sl_runtime.c, bit for bit): the runner, and every mutant child forked from it, holds
/// hashes of the expected lines under a per-session random key, never the lines themselves.
/// </summary>
public static class ExpectedHash
{
    public static ulong Of(ulong key, string line)
    {
        ulong h = key ^ 0x9e3779b97f4a7c15UL;
        foreach (byte b in Encoding.UTF8.GetBytes(line))
        {
            h ^= b;
            h = unchecked(h * 0x100000001b3UL);
            h ^= h >> 29;
        }
        h = unchecked(h + 0x9e3779b97f4a7c15UL);
        h = unchecked((h ^ (h >> 30)) * 0xbf58476d1ce4e5b9UL);
        h = unchecked((h ^ (h >> 27)) * 0x94d049bb133111ebUL);
        return h ^ (h >> 31);
    }

    /// <summary>What the runner reads after its token line: "E bytes key" and one hash per line.</summary>
    public static byte[] Block(IReadOnlyList<string> expected, ulong key)
    {
        string body = string.Concat(expected.Select(e => Of(key, e).ToString("x16", System.Globalization.CultureInfo.InvariantCulture) + "\n"));
        return Encoding.ASCII.GetBytes($"E {body.Length} {key:x16}\n{body}");
    }
}

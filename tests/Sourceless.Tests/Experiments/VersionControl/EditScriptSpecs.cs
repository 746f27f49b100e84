using Sourceless.Experiments.VersionControl;
using Sourceless.Tasks;

namespace Sourceless.Tests.Experiments.VersionControl;

/// <summary>The shortest edit script behind both sides of the version-control diff.</summary>
[Trait(Quick.Trait, Quick.Value)]
public sealed class EditScriptSpecs
{
    [Fact]
    public void One_replaced_byte_is_one_hunk_of_one_deletion_and_one_insertion()
    {
        byte[] a = [1, 2, 3, 4, 5, 6];
        byte[] b = [1, 2, 9, 4, 5, 6];
        var hunks = EditScript.Diff(a, b);
        Assert.Equal([new Hunk(2, 1, 2, 1)], hunks);
        Assert.Equal(2, EditScript.Changed(hunks));
    }

    [Fact]
    public void Identical_sequences_have_no_hunks_and_an_empty_one_is_all_insertion()
    {
        Assert.Empty(EditScript.Diff<byte>([7, 7, 7], [7, 7, 7]));
        Assert.Equal([new Hunk(0, 0, 0, 3)], EditScript.Diff<byte>([], [1, 2, 3]));
        Assert.Equal([new Hunk(0, 0, 0, 1), new Hunk(3, 1, 4, 0)], EditScript.Diff(new[] { "b", "c", "d", "e" }, new[] { "a", "b", "c", "d" }));
    }

    [Fact]
    public void Applying_the_hunks_rebuilds_the_new_sequence_and_the_script_is_no_longer_than_a_rewrite()
    {
        var rng = new SplitMix64(42);
        for (int trial = 0; trial < 200; trial++)
        {
            var a = Enumerable.Range(0, rng.Next(60)).Select(_ => (byte)rng.Next(4)).ToArray();
            var b = a.Where(_ => rng.Next(5) != 0).Select(x => rng.Next(7) == 0 ? (byte)rng.Next(4) : x).ToList();
            if (rng.Next(2) == 0) b.Insert(rng.Next(b.Count + 1), 9);
            var hunks = EditScript.Diff(a, b.ToArray());
            var rebuilt = new List<byte>();
            int at = 0;
            foreach (var h in hunks)
            {
                rebuilt.AddRange(a[at..h.Start1]);
                rebuilt.AddRange(b.Skip(h.Start2).Take(h.Length2));
                at = h.Start1 + h.Length1;
            }
            rebuilt.AddRange(a[at..]);
            Assert.Equal(b, rebuilt);
            Assert.True(EditScript.Changed(hunks) <= a.Length + b.Count);
            // Deleting and re-inserting whatever differs can never beat the shortest script.
            int lcs = Lcs(a, b);
            Assert.Equal(a.Length + b.Count - 2 * lcs, EditScript.Changed(hunks));
        }
    }

    private static int Lcs(byte[] a, List<byte> b)
    {
        var t = new int[a.Length + 1, b.Count + 1];
        for (int i = 1; i <= a.Length; i++)
            for (int j = 1; j <= b.Count; j++)
                t[i, j] = a[i - 1] == b[j - 1] ? t[i - 1, j - 1] + 1 : Math.Max(t[i - 1, j], t[i, j - 1]);
        return t[a.Length, b.Count];
    }
}

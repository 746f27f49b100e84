namespace Sourceless.Experiments.VersionControl;

/// <summary>One changed region of a diff: Length1 items of the old sequence at Start1 replaced by
/// Length2 items of the new one at Start2 (either length may be 0).</summary>
public sealed record Hunk(int Start1, int Length1, int Start2, int Length2);

/// <summary>
/// The shortest edit script between two sequences (Myers' O(ND) algorithm, the one behind GNU
/// diff and git): used on bytes for the binary diff and on lines for the source diff, so both
/// sides of the version-control comparison are counted the same way.
/// </summary>
public static class EditScript
{
    public static IReadOnlyList<Hunk> Diff<T>(IReadOnlyList<T> a, IReadOnlyList<T> b) where T : IEquatable<T>
    {
        int n = a.Count, m = b.Count, max = n + m, offset = max + 1;
        var v = new int[2 * max + 3];
        var trace = new List<int[]>();
        int found = -1;
        for (int d = 0; d <= max && found < 0; d++)
        {
            trace.Add((int[])v.Clone());
            for (int k = -d; k <= d; k += 2)
            {
                int x = k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
                int y = x - k;
                while (x < n && y < m && a[x].Equals(b[y])) { x++; y++; }
                v[offset + k] = x;
                if (x >= n && y >= m) { found = d; break; }
            }
        }
        // Walk back through the trace, collecting the matched diagonals; the gaps are the hunks.
        var matches = new List<(int X, int Y, int Len)>();
        int cx = n, cy = m;
        for (int d = found; d > 0; d--)
        {
            var pv = trace[d];
            int k = cx - cy;
            int prevK = k == -d || (k != d && pv[offset + k - 1] < pv[offset + k + 1]) ? k + 1 : k - 1;
            int px = pv[offset + prevK], py = px - prevK;
            int sx = prevK == k + 1 ? px : px + 1, sy = sx - k;
            if (cx > sx) matches.Add((sx, sy, cx - sx));
            cx = px;
            cy = py;
        }
        if (cx > 0) matches.Add((0, 0, cx));
        matches.Reverse();
        var hunks = new List<Hunk>();
        int ax = 0, by = 0;
        foreach (var (x, y, len) in matches.Append((n, m, 0)))
        {
            if (x > ax || y > by) hunks.Add(new Hunk(ax, x - ax, by, y - by));
            ax = x + len;
            by = y + len;
        }
        return hunks;
    }

    /// <summary>Items inserted plus items deleted.</summary>
    public static int Changed(IEnumerable<Hunk> hunks) => hunks.Sum(h => h.Length1 + h.Length2);
}

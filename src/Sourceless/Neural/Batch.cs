namespace Sourceless.Neural;

/// <summary>
/// Sequences padded to one length, row-major (sequence s, position t is row s x Length + t), and
/// the rows that carry a loss with the token each must predict. Padding goes at the end: with a
/// causal mask no real position ever sees it, and no loss row sits on it.
/// </summary>
public sealed class Batch
{
    public int Count { get; }
    public int Length { get; }
    public int[] Tokens { get; }
    public int[] LossRows { get; }
    public int[] LossTargets { get; }
    public int Rows => Count * Length;

    public Batch(int count, int length, int[] tokens, int[] lossRows, int[] lossTargets)
    {
        if (tokens.Length != count * length) throw new ArgumentException("tokens must be count x length");
        if (lossRows.Length != lossTargets.Length) throw new ArgumentException("one target per loss row");
        Count = count;
        Length = length;
        Tokens = tokens;
        LossRows = lossRows;
        LossTargets = lossTargets;
    }

    /// <summary>Pads the sequences to the longest; every position from completionStart - 1 on
    /// predicts the next token (the first code byte through EOS).</summary>
    public static Batch From(IReadOnlyList<(int[] Tokens, int CompletionStart)> sequences)
    {
        int length = sequences.Max(s => s.Tokens.Length) - 1; // the last token is only ever a target
        length = Math.Max(length, 1);
        var tokens = new int[sequences.Count * length];
        var rows = new List<int>();
        var targets = new List<int>();
        for (int s = 0; s < sequences.Count; s++)
        {
            var (seq, start) = sequences[s];
            int n = Math.Min(seq.Length - 1, length);
            Array.Copy(seq, 0, tokens, s * length, n);
            for (int t = Math.Max(0, start - 1); t < n; t++)
            {
                rows.Add(s * length + t);
                targets.Add(seq[t + 1]);
            }
        }
        return new Batch(sequences.Count, length, tokens, [.. rows], [.. targets]);
    }

    /// <summary>Tokens of completion this batch trains on, and tokens it reads in all.</summary>
    public int TargetTokens => LossRows.Length;
}

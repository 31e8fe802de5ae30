namespace Snorkeler.LabelModels.Internal;

/// <summary>
/// The (source, vote) pairs a set of answers casts, numbered in (source, vote) order: models that keep soft counts or
/// posteriors for the cast pairs only (Dawid–Skene, EBCC) index them by <see cref="Slot"/>, and a pair no answer casts has none.
/// </summary>
internal sealed class CastVotes
{
    /// <summary>Maps the pairs (<paramref name="sources"/>[e], <paramref name="labels"/>[e]) of <paramref name="m"/> sources over <paramref name="k"/> classes.</summary>
    public CastVotes(ReadOnlySpan<int> sources, ReadOnlySpan<int> labels, int m, int k)
    {
        Slot = new int[m * k];
        Array.Fill(Slot, -1);
        for (var e = 0; e < sources.Length; e++) Slot[sources[e] * k + labels[e]] = 0;
        Votes = new int[m][];
        var cast = new List<int>();
        var next = 0;
        for (var j = 0; j < m; j++)
        {
            cast.Clear();
            for (var a = 0; a < k; a++)
                if (Slot[j * k + a] == 0)
                {
                    cast.Add(a);
                    Slot[j * k + a] = next++;
                }
            Votes[j] = [.. cast];
        }
        Count = next;
    }

    /// <summary>Per source the votes it casts, in increasing order.</summary>
    public int[][] Votes { get; }

    /// <summary>The slot of (source j, vote a) at <c>j·k + a</c>, or −1 where no answer casts it.</summary>
    public int[] Slot { get; }

    /// <summary>Cast pairs (slots).</summary>
    public int Count { get; }
}

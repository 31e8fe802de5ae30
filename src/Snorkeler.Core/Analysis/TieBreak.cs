namespace Snorkeler.Analysis;

/// <summary>How a hard label is chosen when several classes share the top probability.</summary>
public enum TieBreak
{
    /// <summary>A tie gives -1 (abstain).</summary>
    Abstain,
    /// <summary>One of the tied classes, chosen by a hash of the row index and seed: reruns agree.</summary>
    Random,
    /// <summary>One of the tied classes, chosen by an unseeded generator: reruns may differ.</summary>
    TrueRandom,
}

/// <summary>Turns probability vectors into hard labels and tie sets.</summary>
public static class HardLabels
{
    /// <summary>Probabilities closer than this to the row's top value count as tied (Snorkel's tolerance).</summary>
    public const double TieTolerance = 1e-5;

    /// <summary>How many classes are tied for the top probability, and whether <paramref name="label"/> is among them.</summary>
    public static int TopCount(ReadOnlySpan<double> probabilities, int label, out bool contains)
    {
        var max = double.NegativeInfinity;
        foreach (var p in probabilities) if (p > max) max = p;
        var count = 0;
        contains = false;
        for (var c = 0; c < probabilities.Length; c++)
        {
            if (max - probabilities[c] > TieTolerance) continue;
            count++;
            if (c == label) contains = true;
        }
        return count;
    }

    /// <summary>The hard label of one row under a tie-break policy.</summary>
    public static int Choose(ReadOnlySpan<double> probabilities, long rowIndex, TieBreak policy, int seed = 0)
    {
        var max = double.NegativeInfinity;
        var argmax = -1;
        for (var c = 0; c < probabilities.Length; c++)
            if (probabilities[c] > max) { max = probabilities[c]; argmax = c; }
        var tied = 0;
        for (var c = 0; c < probabilities.Length; c++)
            if (max - probabilities[c] <= TieTolerance) tied++;
        if (tied <= 1) return argmax;
        int pick;
        switch (policy)
        {
            case TieBreak.Abstain:
                return LabelSchema.Abstain;
            case TieBreak.Random:
                pick = (int)(Mix((ulong)rowIndex ^ ((ulong)(uint)seed << 32)) % (ulong)tied);
                break;
            default:
                pick = System.Random.Shared.Next(tied);
                break;
        }
        for (var c = 0; c < probabilities.Length; c++)
            if (max - probabilities[c] <= TieTolerance && pick-- == 0) return c;
        return argmax;
    }

    /// <summary>SplitMix64 finaliser: a well-spread hash of the row index.</summary>
    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

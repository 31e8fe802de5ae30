using Snorkeler.LabelModels;

namespace Snorkeler.Studio;

/// <summary>
/// A label model's probabilities computed once per distinct row of votes. A label model's prediction for a row depends
/// on that row's votes alone, and a handful of LFs leave a few hundred distinct rows among 100,000, so predicting the
/// distinct rows and copying is much cheaper than predicting every row, and gives the same numbers.
/// </summary>
internal static class DistinctRows
{
    /// <summary>The model's probabilities on every row of <paramref name="matrix"/>, row-major (rows × classes).</summary>
    public static double[] Predict(ILabelModel model, LabelMatrix matrix)
    {
        var n = matrix.RowCount;
        var m = matrix.LfCount;
        if (!matrix.IsNarrow || m == 0) return model.PredictProbabilities(matrix);
        var votes = matrix.NarrowVotes;
        var first = new List<int>(); // the first row of each distinct pattern
        var patternOf = new int[n];
        var byHash = new Dictionary<ulong, int>();
        for (var i = 0; i < n; i++)
        {
            var row = votes.Slice(i * m, m);
            var hash = Fnv(row);
            if (byHash.TryGetValue(hash, out var pattern))
            {
                // Another pattern with the same hash: give up on sharing rather than mix two rows up.
                if (!row.SequenceEqual(votes.Slice(first[pattern] * m, m))) return model.PredictProbabilities(matrix);
            }
            else
            {
                pattern = first.Count;
                byHash.Add(hash, pattern);
                first.Add(i);
            }
            patternOf[i] = pattern;
        }
        if (first.Count * 2 > n) return model.PredictProbabilities(matrix);
        var columns = new sbyte[m][];
        for (var j = 0; j < m; j++)
        {
            var column = columns[j] = new sbyte[first.Count];
            for (var p = 0; p < first.Count; p++) column[p] = votes[first[p] * m + j];
        }
        var distinct = LabelMatrix.FromColumns(matrix.Schema, matrix.LfNames, columns, first.Count);
        var k = model.Schema.Cardinality;
        var shared = model.PredictProbabilities(distinct);
        var probabilities = new double[(long)n * k];
        for (var i = 0; i < n; i++) shared.AsSpan(patternOf[i] * k, k).CopyTo(probabilities.AsSpan(i * k, k));
        return probabilities;
    }

    /// <summary>64-bit FNV-1a of a row of votes.</summary>
    private static ulong Fnv(ReadOnlySpan<sbyte> row)
    {
        var hash = 14695981039346656037UL;
        foreach (var v in row) hash = (hash ^ (byte)v) * 1099511628211UL;
        return hash;
    }
}

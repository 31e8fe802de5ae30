using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text.Json.Nodes;

namespace Snorkeler.LabelModels.Internal;

/// <summary>
/// Mersenne Twister MT19937 seeded like NumPy's legacy <c>np.random.seed(int)</c>, with NumPy's 53-bit
/// <c>random()</c>: the same seed gives the same random numbers as Snorkel's fit.
/// </summary>
internal sealed class Mt19937
{
    private readonly uint[] _state = new uint[624];
    private int _index;

    public Mt19937(uint seed)
    {
        _state[0] = seed;
        for (var i = 1; i < 624; i++)
            _state[i] = 1812433253u * (_state[i - 1] ^ (_state[i - 1] >> 30)) + (uint)i;
        _index = 624;
    }

    public uint NextUInt()
    {
        if (_index >= 624)
        {
            for (var i = 0; i < 624; i++)
            {
                var y = (_state[i] & 0x80000000u) | (_state[(i + 1) % 624] & 0x7fffffffu);
                _state[i] = _state[(i + 397) % 624] ^ (y >> 1) ^ ((y & 1) != 0 ? 0x9908b0dfu : 0);
            }
            _index = 0;
        }
        var z = _state[_index++];
        z ^= z >> 11;
        z ^= (z << 7) & 0x9d2c5680u;
        z ^= (z << 15) & 0xefc60000u;
        z ^= z >> 18;
        return z;
    }

    /// <summary>A uniform number in [0, 1) with 53 random bits (NumPy's <c>random_sample</c>).</summary>
    public double NextDouble()
    {
        var a = NextUInt() >> 5;
        var b = NextUInt() >> 6;
        return (a * 67108864.0 + b) / 9007199254740992.0;
    }

    /// <summary>NumPy's first <c>random()</c> after <c>seed(seed)</c>, or a nondeterministic number when seed is null.</summary>
    public static double FirstUniform(int? seed)
        => seed is { } s ? new Mt19937(unchecked((uint)s)).NextDouble() : Random.Shared.NextDouble();
}

/// <summary>Small numerical helpers shared by the models.</summary>
internal static class Numerics
{
    /// <summary>
    /// <paramref name="sum"/> after <c>sum += x</c> ran <paramref name="times"/> times, to the bit, in O(log) steps rather than
    /// <paramref name="times"/>: a sum over thousands of classes adds one value for every class no source votes, and the
    /// objective must not move in its last digit. While the sum stays within one binade [2^e, 2^(e+1)) its doubles are the
    /// multiples of u = 2^(e−52), so each addition rounds <c>x</c> to the same multiple of u (round to nearest, unless
    /// <c>x / u</c> lies exactly half-way, where the tie goes to the even neighbour and depends on the sum): the sum moves
    /// by that fixed step until it nears the binade's edge. Steps that could leave the binade, ties, zero and subnormal sums
    /// are added one at a time, as the loop does; an infinite or NaN sum or x is what one addition makes it. A few additions
    /// (up to <see cref="FewAdditions"/>) are the loop itself, cheaper than finding the binade.
    /// </summary>
    public static double AddRepeatedly(double sum, double x, long times)
    {
        const long Implicit = 1L << 52;
        if (times <= FewAdditions)
        {
            for (var i = 0; i < times; i++) sum += x;
            return sum;
        }
        while (times > 0)
        {
            var bits = BitConverter.DoubleToInt64Bits(sum);
            var biased = (int)((bits >> 52) & 0x7FF);
            // An infinite or NaN sum or x stays what one addition makes it.
            if (biased == 0x7FF || !double.IsFinite(x)) return sum + x;
            if (biased == 0)
            {
                sum += x;
                times--;
                continue;
            }
            // |sum| = significand · u, the significand in [2^52, 2^53); in units of u the step x / u is exact (a power of two apart).
            var negative = sum < 0;
            var significand = (bits & (Implicit - 1)) | Implicit;
            var scale = biased - 1075;
            var units = Math.ScaleB(negative ? -x : x, -scale);
            var step = Math.Round(units);
            long run = 0;
            if (Math.Abs(units) < Implicit && units - Math.Floor(units) != 0.5)
            {
                var d = (long)step;
                // x is under half a unit: the sum never moves, unless it sits at the binade's lower edge (a power of two) and x
                // points down, where the spacing below is half a unit and a quarter-unit step can move it once.
                if (d == 0 && (significand != Implicit || units >= 0)) return sum;
                // Steps whose result stays at least one unit inside the binade round as in its interior (the edge case above is
                // one addition below).
                if (d != 0) run = Math.Min(d > 0 ? (2 * Implicit - 1 - significand) / d : (significand - Implicit - 1) / -d, times);
                if (run > 0)
                {
                    var moved = Math.ScaleB((double)(significand + run * d), scale);
                    sum = negative ? -moved : moved;
                    times -= run;
                }
            }
            if (run == 0)
            {
                sum += x;
                times--;
            }
        }
        return sum;
    }

    /// <summary>Additions <see cref="AddRepeatedly"/> makes one at a time.</summary>
    private const int FewAdditions = 16;

    /// <summary>
    /// Writes softmax(scores) into <paramref name="scores"/> in place (exponentials of the scores minus
    /// their maximum, normalised): finite and summing to 1 whenever the scores are finite.
    /// </summary>
    public static void SoftmaxInPlace(Span<double> scores)
    {
        var max = double.NegativeInfinity;
        foreach (var s in scores) if (s > max) max = s;
        var sum = 0.0;
        for (var c = 0; c < scores.Length; c++)
        {
            var e = Math.Exp(scores[c] - max);
            scores[c] = e;
            sum += e;
        }
        for (var c = 0; c < scores.Length; c++) scores[c] /= sum;
    }

    /// <summary>
    /// Turns scores into log-probabilities in place (each minus the log-sum-exp of all) and returns the
    /// log-sum-exp: the log of the normaliser, finite whenever the scores are.
    /// </summary>
    public static double LogSoftmaxInPlace(Span<double> scores)
    {
        var max = double.NegativeInfinity;
        foreach (var s in scores) if (s > max) max = s;
        var sum = 0.0;
        foreach (var s in scores) sum += Math.Exp(s - max);
        var log = max + Math.Log(sum);
        for (var c = 0; c < scores.Length; c++) scores[c] -= log;
        return log;
    }

    /// <summary>
    /// <c>target[i] += source[i]</c>, several at a time (<see cref="Vector{T}"/>): each element is one addition, as in a plain
    /// loop, so the sums are the same to the bit.
    /// </summary>
    public static void AddTo(Span<double> target, ReadOnlySpan<double> source)
    {
        var n = target.Length;
        if (source.Length < n) throw new ArgumentException($"{source.Length} values to add to {n}", nameof(source));
        ref var t = ref MemoryMarshal.GetReference(target);
        ref var f = ref MemoryMarshal.GetReference(source);
        nuint i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; (int)i + Vector512<double>.Count <= n; i += (nuint)Vector512<double>.Count)
                (Vector512.LoadUnsafe(ref t, i) + Vector512.LoadUnsafe(ref f, i)).StoreUnsafe(ref t, i);
        if (Vector256.IsHardwareAccelerated)
            for (; (int)i + Vector256<double>.Count <= n; i += (nuint)Vector256<double>.Count)
                (Vector256.LoadUnsafe(ref t, i) + Vector256.LoadUnsafe(ref f, i)).StoreUnsafe(ref t, i);
        for (; (int)i < n; i++) Unsafe.Add(ref t, i) += Unsafe.Add(ref f, i);
    }

    /// <summary><c>target[i] += value</c>, several at a time; each element is one addition, as in a plain loop.</summary>
    public static void AddConstant(Span<double> target, double value)
    {
        var n = target.Length;
        ref var t = ref MemoryMarshal.GetReference(target);
        nuint i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var by = Vector256.Create(value);
            for (; (int)i + Vector256<double>.Count <= n; i += (nuint)Vector256<double>.Count)
                (Vector256.LoadUnsafe(ref t, i) + by).StoreUnsafe(ref t, i);
        }
        for (; (int)i < n; i++) Unsafe.Add(ref t, i) += value;
    }

    /// <summary><c>values[i] *= factor</c>; each element is one multiplication, as in a plain loop.</summary>
    public static void Scale(Span<double> values, double factor)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vectors = MemoryMarshal.Cast<double, Vector<double>>(values);
            var by = new Vector<double>(factor);
            for (var v = 0; v < vectors.Length; v++) vectors[v] *= by;
            i = vectors.Length * Vector<double>.Count;
        }
        for (; i < values.Length; i++) values[i] *= factor;
    }

    /// <summary>
    /// <c>values[i] = exp(values[i])</c> with the vector exponential (<see cref="Vector.Exp(Vector{double})"/>) for every
    /// element, the last few too (padded), so a value's exponential does not depend on where it sits. It may differ from
    /// <see cref="Math.Exp"/> in the last bit; exp(−∞) is 0.
    /// </summary>
    public static void ExpInPlace(Span<double> values)
    {
        var width = Vector<double>.Count;
        var i = 0;
        for (; i + width <= values.Length; i += width)
            Vector.Exp(new Vector<double>(values[i..])).CopyTo(values[i..]);
        if (i == values.Length) return;
        Span<double> tail = stackalloc double[width];
        values[i..].CopyTo(tail);
        Vector.Exp(new Vector<double>(tail)).CopyTo(tail);
        tail[..(values.Length - i)].CopyTo(values[i..]);
    }

    /// <summary>
    /// Softmax in place, <c>exp(s − max) / Σ exp(s − max)</c> with the exponentials taken once by <see cref="ExpInPlace"/>,
    /// returning the log-sum-exp as <see cref="LogSoftmaxInPlace"/> does. Several values at a time (<see cref="Vector{T}"/>):
    /// the sum is added up lane by lane, so it may differ from a plain loop's in the last bits.
    /// </summary>
    public static double SoftmaxReturningLogNormaliser(Span<double> scores)
    {
        var vectors = Vector.IsHardwareAccelerated ? MemoryMarshal.Cast<double, Vector<double>>(scores) : [];
        var tail = vectors.Length * Vector<double>.Count;
        var max = double.NegativeInfinity;
        if (vectors.Length > 0)
        {
            var most = vectors[0];
            for (var v = 1; v < vectors.Length; v++) most = Vector.Max(most, vectors[v]);
            for (var i = 0; i < Vector<double>.Count; i++) max = Math.Max(max, most[i]);
        }
        for (var c = tail; c < scores.Length; c++) max = Math.Max(max, scores[c]);
        var shift = new Vector<double>(max);
        for (var v = 0; v < vectors.Length; v++) vectors[v] -= shift;
        for (var c = tail; c < scores.Length; c++) scores[c] -= max;
        ExpInPlace(scores);
        var lanes = Vector<double>.Zero;
        for (var v = 0; v < vectors.Length; v++) lanes += vectors[v];
        var sum = 0.0;
        for (var i = 0; i < Vector<double>.Count; i++) sum += lanes[i];
        for (var c = tail; c < scores.Length; c++) sum += scores[c];
        var by = new Vector<double>(sum);
        for (var v = 0; v < vectors.Length; v++) vectors[v] /= by;
        for (var c = tail; c < scores.Length; c++) scores[c] /= sum;
        return max + Math.Log(sum);
    }

    /// <summary>
    /// The assignment minimising Σ cost[i, result[i]] over permutations of n (Hungarian method); <paramref name="cost"/>
    /// is row-major n × n. A column with one cost in every row (a class no source votes, when columns are names) adds the
    /// same to every permutation, so such columns are set aside: the other columns choose their rows, O(r² n) for r of
    /// them, and the rows left over take the set-aside columns, each its own index where it is one of them, the rest in
    /// order. Over thousands of classes few of which are voted this is the difference between a blink and minutes.
    /// Rows of one cost are handled alike, through the transpose.
    /// </summary>
    public static int[] MinCostAssignment(double[] cost, int n)
    {
        var columns = NonConstantColumns(cost, n, transposed: false);
        if (columns.Length < n) return AssignAround(cost, n, columns, transposed: false);
        var rows = NonConstantColumns(cost, n, transposed: true);
        if (rows.Length == n) return Hungarian(cost, n, n);
        var inverse = AssignAround(cost, n, rows, transposed: true); // row r of the transpose (column r) → column (row)
        var result = new int[n];
        for (var r = 0; r < n; r++) result[inverse[r]] = r;
        return result;
    }

    /// <summary>The columns (rows when <paramref name="transposed"/>) whose entries are not all one number.</summary>
    private static int[] NonConstantColumns(double[] cost, int n, bool transposed)
    {
        var kept = new List<int>();
        for (var y = 0; y < n; y++)
        {
            var first = transposed ? cost[y * n] : cost[y];
            for (var x = 1; x < n; x++)
                if (!(transposed ? cost[y * n + x] : cost[x * n + y]).Equals(first))
                {
                    kept.Add(y);
                    break;
                }
        }
        return kept.ToArray();
    }

    /// <summary>
    /// The square assignment when only <paramref name="columns"/> have costs that differ by row: they choose their rows
    /// (a rectangular problem), and the other columns take the rows left.
    /// </summary>
    private static int[] AssignAround(double[] cost, int n, int[] columns, bool transposed)
    {
        var r = columns.Length;
        var reduced = new double[r * n]; // row i: column columns[i]'s cost in each row
        for (var i = 0; i < r; i++)
        for (var x = 0; x < n; x++)
            reduced[i * n + x] = transposed ? cost[columns[i] * n + x] : cost[x * n + columns[i]];
        var chosen = Hungarian(reduced, r, n); // column i → row
        var result = Enumerable.Repeat(-1, n).ToArray();
        for (var i = 0; i < columns.Length; i++) result[chosen[i]] = columns[i];
        var taken = new bool[n];
        foreach (var y in columns) taken[y] = true;
        for (var x = 0; x < n; x++)
            if (result[x] < 0 && !taken[x]) (result[x], taken[x]) = (x, true);
        var next = 0;
        for (var x = 0; x < n; x++)
        {
            if (result[x] >= 0) continue;
            while (taken[next]) next++;
            (result[x], taken[next]) = (next, true);
        }
        return result;
    }

    /// <summary>
    /// Kuhn–Munkres with potentials for <paramref name="rows"/> ≤ <paramref name="columns"/> (<paramref name="cost"/>
    /// row-major): each row gets a distinct column, minimising the total cost. Returns each row's column.
    /// </summary>
    private static int[] Hungarian(double[] cost, int rows, int columns)
    {
        // 1-based arrays; column 0 is a sentinel.
        var u = new double[rows + 1];
        var v = new double[columns + 1];
        var p = new int[columns + 1];
        var way = new int[columns + 1];
        var minv = new double[columns + 1];
        var used = new bool[columns + 1];
        for (var i = 1; i <= rows; i++)
        {
            p[0] = i;
            var j0 = 0;
            Array.Fill(minv, double.PositiveInfinity);
            Array.Clear(used);
            do
            {
                used[j0] = true;
                int i0 = p[j0], j1 = 0;
                var delta = double.PositiveInfinity;
                for (var j = 1; j <= columns; j++)
                {
                    if (used[j]) continue;
                    var cur = cost[(i0 - 1) * columns + (j - 1)] - u[i0] - v[j];
                    if (cur < minv[j]) { minv[j] = cur; way[j] = j0; }
                    if (minv[j] < delta) { delta = minv[j]; j1 = j; }
                }
                for (var j = 0; j <= columns; j++)
                {
                    if (used[j]) { u[p[j]] += delta; v[j] -= delta; }
                    else minv[j] -= delta;
                }
                j0 = j1;
            } while (p[j0] != 0);
            do
            {
                var j1 = way[j0];
                p[j0] = p[j1];
                j0 = j1;
            } while (j0 != 0);
        }
        var result = new int[rows];
        for (var j = 1; j <= columns; j++)
            if (p[j] != 0) result[p[j] - 1] = j - 1;
        return result;
    }
}

/// <summary>
/// Math.Log that reuses its last result when asked for the same number again: along a confusion row over many classes most
/// entries are one smoothed value (the votes a source never casts), so most logs repeat.
/// </summary>
internal struct RepeatedLog()
{
    private double _x = double.NaN, _log;

    public double Of(double x) => x == _x ? _log : _log = Math.Log(_x = x);
}

/// <summary>Reads and checks model parameters from JSON; every problem is a <see cref="SnorkelerException"/>.</summary>
internal static class Parameters
{
    public static JsonArray ToJson(IEnumerable<double> values) => new(values.Select(v => (JsonNode)v!).ToArray());

    /// <summary>
    /// A rows × columns matrix as an array of rows. A row of at least <see cref="SparseColumns"/> columns in which one value
    /// fills all but under a quarter of the entries is written as <c>{"fill": x, "at": [columns], "values": [entries]}</c>:
    /// a confusion row over 1,000 classes is mostly one smoothed value, and written in full four sources made a 120 MB file.
    /// </summary>
    public static JsonArray ToJson(double[] values, int columns)
    {
        var rows = new JsonArray();
        for (var r = 0; r < values.Length / columns; r++)
        {
            var row = values.AsSpan(r * columns, columns);
            rows.Add(Sparse(row) ?? (JsonNode)ToJson(row.ToArray())); // the JsonNode overload: Add<T> needs run-time code generation
        }
        return rows;
    }

    /// <summary>Rows narrower than this are always written in full.</summary>
    public const int SparseColumns = 16;

    /// <summary>The row as fill value and exceptions, or null when it is narrow or has no value filling over three quarters of it.</summary>
    private static JsonObject? Sparse(ReadOnlySpan<double> row)
    {
        if (row.Length < SparseColumns) return null;
        var counts = new Dictionary<double, int>();
        foreach (var x in row) counts[x] = counts.GetValueOrDefault(x) + 1;
        // The most common value; ties go to the smallest, so that the same row is always written alike.
        var fill = counts.OrderByDescending(p => p.Value).ThenBy(p => p.Key).First();
        if (row.Length - fill.Value >= row.Length / 4.0) return null;
        var at = new JsonArray();
        var entries = new JsonArray();
        for (var c = 0; c < row.Length; c++)
        {
            if (row[c].Equals(fill.Key)) continue;
            at.Add((JsonNode)c);
            entries.Add((JsonNode)row[c]);
        }
        return new JsonObject { ["fill"] = fill.Key, ["at"] = at, ["values"] = entries };
    }

    /// <summary>A flat array of numbers of the given length, each within [min, max].</summary>
    public static double[] Numbers(JsonObject parameters, string field, int length, double min = double.NegativeInfinity, double max = double.PositiveInfinity)
    {
        if (parameters[field] is not JsonArray array) throw new SnorkelerException($"parameter '{field}' is missing or not an array");
        if (array.Count != length) throw new SnorkelerException($"parameter '{field}' has {Snorkeler.Text.Listing.Counted(array.Count, "value")}, expected {length:N0}");
        var values = new double[length];
        for (var i = 0; i < length; i++) values[i] = Number(array[i], $"{field}[{i}]", min, max);
        return values;
    }

    /// <summary>
    /// A rows × columns matrix of numbers (an array of rows, each an array or a sparse row as <see cref="ToJson(double[], int)"/>
    /// writes it), each within [min, max], flattened row-major.
    /// </summary>
    public static double[] Matrix(JsonObject parameters, string field, int rows, int columns, double min = double.NegativeInfinity, double max = double.PositiveInfinity)
    {
        if (parameters[field] is not JsonArray array) throw new SnorkelerException($"parameter '{field}' is missing or not an array");
        if (array.Count != rows) throw new SnorkelerException($"parameter '{field}' has {Snorkeler.Text.Listing.Counted(array.Count, "row")}, expected {rows:N0}");
        var values = new double[(long)rows * columns];
        for (var r = 0; r < rows; r++)
        {
            var into = values.AsSpan(r * columns, columns);
            if (array[r] is JsonObject sparse)
            {
                SparseRow(sparse, into, $"{field}[{r}]", min, max);
                continue;
            }
            if (array[r] is not JsonArray row || row.Count != columns)
                throw new SnorkelerException($"parameter '{field}' row {r} must be an array of {columns} numbers or {{\"fill\", \"at\", \"values\"}}");
            for (var c = 0; c < columns; c++) into[c] = Number(row[c], $"{field}[{r}][{c}]", min, max);
        }
        return values;
    }

    /// <summary>Reads a sparse row: every entry <c>fill</c> except those at the columns <c>at</c> (increasing), which hold <c>values</c>.</summary>
    private static void SparseRow(JsonObject row, Span<double> into, string name, double min, double max)
    {
        if (row.Count != 3 || row["at"] is not JsonArray at || row["values"] is not JsonArray entries || at.Count != entries.Count)
            throw new SnorkelerException($"parameter '{name}' must be an array of {into.Length} numbers or {{\"fill\": x, \"at\": [columns], \"values\": [entries]}} with as many values as columns");
        into.Fill(Number(row["fill"], $"{name}.fill", min, max));
        var previous = -1;
        for (var i = 0; i < at.Count; i++)
        {
            if (at[i] is not JsonValue v || !v.TryGetValue<int>(out var c) || c <= previous || c >= into.Length)
                throw new SnorkelerException($"parameter '{name}.at' must hold increasing columns in 0..{into.Length - 1}");
            into[c] = Number(entries[i], $"{name}.values[{i}]", min, max);
            previous = c;
        }
    }

    /// <summary>Checks that every row of <paramref name="columns"/> values is a distribution: positive entries summing to 1 (to 1e-6).</summary>
    public static void CheckDistributions(double[] values, int columns, string field)
    {
        for (var r = 0; r < values.Length / columns; r++)
        {
            var sum = 0.0;
            for (var a = 0; a < columns; a++)
            {
                if (values[r * columns + a] <= 0) throw new SnorkelerException($"parameter '{field}' row {r} has a probability that is not positive");
                sum += values[r * columns + a];
            }
            if (Math.Abs(sum - 1) > 1e-6) throw new SnorkelerException($"parameter '{field}' row {r} sums to {sum}, not 1");
        }
    }

    public static double Number(JsonNode? node, string name, double min = double.NegativeInfinity, double max = double.PositiveInfinity)
    {
        if (node is not JsonValue value || !value.TryGetValue<double>(out var v))
            throw new SnorkelerException($"parameter '{name}' must be a number");
        if (!double.IsFinite(v)) throw new SnorkelerException($"parameter '{name}' is not finite");
        if (v < min || v > max) throw new SnorkelerException($"parameter '{name}' is {v}, outside [{min}, {max}]");
        return v;
    }
}

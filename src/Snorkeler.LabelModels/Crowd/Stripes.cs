using MathNet.Numerics;

namespace Snorkeler.LabelModels.Crowd;

/// <summary>
/// Row ranges worked on in parallel with results that do not depend on the thread count: the rows are cut
/// into a fixed number of stripes (by row count alone), each stripe's partial sums are kept apart, and
/// they are added up in stripe order.
/// </summary>
internal static class Stripes
{
    /// <summary>Rows per stripe below which a pass runs on one thread.</summary>
    public const int MinRows = 8192;

    /// <summary>The stripes of <paramref name="rows"/> rows: at most 16, each at least <see cref="MinRows"/> (one when fewer).</summary>
    public static int Count(int rows) => Math.Clamp(rows / MinRows, 1, 16);

    /// <summary>Scratch values all stripes of one pass may hold together (128 MB of doubles).</summary>
    public const int MaxScratch = 1 << 24;

    /// <summary>
    /// As <see cref="Count(int)"/>, but with fewer stripes when each needs <paramref name="scratch"/> values of its own
    /// (partial sums), so that they hold at most <see cref="MaxScratch"/> together.
    /// </summary>
    public static int Count(int rows, long scratch) => (int)Math.Clamp(Math.Min(rows / MinRows, MaxScratch / Math.Max(1, scratch)), 1, 16);

    /// <summary>Stripe <paramref name="stripe"/>'s rows, [from, to).</summary>
    public static (int From, int To) Range(int rows, int stripes, int stripe)
        => ((int)((long)rows * stripe / stripes), (int)((long)rows * (stripe + 1) / stripes));

    /// <summary>Runs <paramref name="body"/> on every stripe (in parallel when there are several).</summary>
    public static void For(int rows, Action<int, int, int> body) => For(rows, Count(rows), body);

    /// <summary>Runs <paramref name="body"/> on each of <paramref name="stripes"/> stripes (in parallel when there are several).</summary>
    public static void For(int rows, int stripes, Action<int, int, int> body)
    {
        if (stripes == 1)
        {
            body(0, 0, rows);
            return;
        }
        Threading.CallerFirst.For(stripes, s =>
        {
            var (from, to) = Range(rows, stripes, s);
            body(s, from, to);
        });
    }
}

/// <summary>Dirichlet and Beta helpers of the variational models.</summary>
internal static class Dirichlet
{
    /// <summary>E[log π_a] under Dir(α): ψ(α_a) − ψ(Σα), written into <paramref name="result"/>.</summary>
    public static void ExpectedLog(ReadOnlySpan<double> alpha, Span<double> result)
    {
        var sum = 0.0;
        foreach (var a in alpha) sum += a;
        var psiSum = SpecialFunctions.DiGamma(sum);
        // Entries no answer has touched equal the prior exactly; with many classes most do, so repeats are not recomputed.
        double last = double.NaN, psiLast = 0;
        for (var i = 0; i < alpha.Length; i++)
        {
            if (alpha[i] != last)
            {
                last = alpha[i];
                psiLast = SpecialFunctions.DiGamma(last);
            }
            result[i] = psiLast - psiSum;
        }
    }

    /// <summary>KL(Dir(α) ‖ Dir(β)).</summary>
    public static double Kl(ReadOnlySpan<double> alpha, ReadOnlySpan<double> beta)
    {
        double sa = 0, sb = 0;
        for (var i = 0; i < alpha.Length; i++) { sa += alpha[i]; sb += beta[i]; }
        var psiSum = SpecialFunctions.DiGamma(sa);
        var kl = SpecialFunctions.GammaLn(sa) - SpecialFunctions.GammaLn(sb);
        for (var i = 0; i < alpha.Length; i++)
        {
            // An entry equal to its prior adds nothing; with many classes most do.
            if (alpha[i] == beta[i]) continue;
            kl += SpecialFunctions.GammaLn(beta[i]) - SpecialFunctions.GammaLn(alpha[i]) + (alpha[i] - beta[i]) * (SpecialFunctions.DiGamma(alpha[i]) - psiSum);
        }
        return kl;
    }

    /// <summary>
    /// The Dirichlet α maximising Σ_s log Dir(π_s | α) in expectation, given the mean over sources of E[log π_s]
    /// (<paramref name="meanLog"/>): Minka's fixed point ψ(α_a) = ψ(Σα) + meanLog_a, from <paramref name="alpha"/>,
    /// which it updates. Values are kept within [1e-3, 1e4].
    /// </summary>
    public static void FitToMeanLog(Span<double> alpha, ReadOnlySpan<double> meanLog, int iterations = 20)
    {
        for (var it = 0; it < iterations; it++)
        {
            var sum = 0.0;
            foreach (var a in alpha) sum += a;
            var psiSum = SpecialFunctions.DiGamma(sum);
            var change = 0.0;
            for (var i = 0; i < alpha.Length; i++)
            {
                var next = Math.Clamp(InverseDiGamma(psiSum + meanLog[i]), 1e-3, 1e4);
                change = Math.Max(change, Math.Abs(next - alpha[i]) / alpha[i]);
                alpha[i] = next;
            }
            if (change < 1e-9) break;
        }
    }

    /// <summary>The x with ψ(x) = y (Minka's initialisation and five Newton steps).</summary>
    public static double InverseDiGamma(double y)
    {
        var x = y >= -2.22 ? Math.Exp(y) + 0.5 : -1 / (y + 0.5772156649015329);
        for (var i = 0; i < 5; i++) x -= (SpecialFunctions.DiGamma(x) - y) / Trigamma(x);
        return x;
    }

    /// <summary>ψ′(x) by recurrence to x ≥ 6 and the asymptotic series.</summary>
    public static double Trigamma(double x)
    {
        var result = 0.0;
        while (x < 6)
        {
            result += 1 / (x * x);
            x += 1;
        }
        // ψ′(x) ≈ 1/x + 1/(2x²) + 1/(6x³) − 1/(30x⁵) + 1/(42x⁷) − 1/(30x⁹)
        var t = 1 / x;
        var t2 = t * t;
        return result + t + t2 / 2 + t * t2 * (1.0 / 6 - t2 * (1.0 / 30 - t2 * (1.0 / 42 - t2 / 30)));
    }
}

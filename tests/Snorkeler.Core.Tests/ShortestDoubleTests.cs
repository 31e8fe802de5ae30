using System.Globalization;
using System.Text;
using Snorkeler.IO;

namespace Snorkeler.Core.Tests;

public class ShortestDoubleTests
{
    /// <summary>Probabilities of every shape a label model writes, and the edges of the fast path.</summary>
    private static IEnumerable<double> Samples(int seed, int count)
    {
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            yield return random.NextDouble();                                   // uniform in [0, 1)
            yield return Math.Pow(10, -17 * random.NextDouble());               // log-uniform, 1e-17 .. 1
            yield return 1 - Math.Pow(10, -17 * random.NextDouble());           // just below 1
            var e = Math.Exp(-40 * random.NextDouble());                        // a softmax of three scores
            var f = Math.Exp(-40 * random.NextDouble());
            yield return 1 / (1 + e + f);
            yield return e / (1 + e + f);
            yield return random.Next(1, 100_000) / 100_000.0;                   // short decimals
            yield return BitConverter.UInt64BitsToDouble(0x3C00000000000000UL + (ulong)random.NextInt64(0x03F0000000000000L)); // any bits, ~1e-19 .. 1
        }
    }

    private static IEnumerable<double> Edges()
    {
        foreach (var v in new[] { 0.0, -0.0, 1.0, 0.5, 0.25, 0.1, 0.2, 0.3, 1e-4, 1e-5, 1e-15, 1e-16, 0.9999999999999999, 2.0, -0.5, 1e300,
                     double.Epsilon, double.NaN, double.PositiveInfinity, 0.000099999999999999991, 0.00010000000000000002, 0.1 + 0.2, 1.0 / 3, 2.0 / 3,
                     // Every count of digits, odd and even, plain and with an exponent (digits are written two at a time).
                     0.01, 0.09, 0.12, 0.123, 0.12345678901234568, 5e-6, 1.5e-5, 1.2345678901234567E-05, 9.87654321e-10, 9.999999999999999E-05, 0.99 })
        {
            yield return v;
            yield return Math.BitIncrement(v);
            yield return Math.BitDecrement(v);
        }
        for (var p = -60; p <= 0; p++) yield return Math.Pow(2, p);
        for (var p = -20; p <= 0; p++)
        {
            var ten = double.Parse($"1e{p}", CultureInfo.InvariantCulture);
            yield return ten;
            yield return Math.BitIncrement(ten);
            yield return Math.BitDecrement(ten);
        }
    }

    [Fact]
    public void Every_double_is_written_as_the_runtime_writes_its_round_trip_text_and_reads_back_the_same()
    {
        var buffer = new byte[ShortestDouble.MaxLength];
        var expected = new byte[64];
        var failures = new List<string>();
        foreach (var v in Edges().Concat(Samples(seed: 16, count: 300_000)))
        {
            var n = ShortestDouble.Format(v, buffer);
            v.TryFormat(expected, out var m, "R", CultureInfo.InvariantCulture).ShouldBeTrue();
            var text = Encoding.ASCII.GetString(buffer, 0, n);
            var runtime = Encoding.ASCII.GetString(expected, 0, m);
            if (double.IsNaN(v))
            {
                text.ShouldBe("NaN");
                continue;
            }
            var readsBack = ReadsBack(text, v);
            // The runtime's text for some powers of two (2^-25 among them) reads back as the double below; ours must not.
            if (!readsBack || (text != runtime && ReadsBack(runtime, v)))
                failures.Add($"{BitConverter.DoubleToInt64Bits(v):X16}: {text} (reads back: {readsBack}); the runtime writes {runtime}");
        }
        failures.Take(10).ShouldBeEmpty();
    }

    [Fact]
    public void A_power_of_two_the_runtime_writes_one_digit_too_short_is_written_so_it_reads_back()
    {
        var v = Math.Pow(2, -25);
        var buffer = new byte[ShortestDouble.MaxLength];

        var text = Encoding.ASCII.GetString(buffer, 0, ShortestDouble.Format(v, buffer));

        text.ShouldBe("2.9802322387695312E-08");
        ReadsBack(text, v).ShouldBeTrue();
    }

    private static bool ReadsBack(string text, double v)
        => BitConverter.DoubleToInt64Bits(double.Parse(text, CultureInfo.InvariantCulture)) == BitConverter.DoubleToInt64Bits(v);
}

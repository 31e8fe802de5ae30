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

    /// <summary>Doubles of any magnitude and sign, the runtime's fallback's share of the work.</summary>
    private static IEnumerable<double> Anywhere(int seed, int count)
    {
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            var any = BitConverter.Int64BitsToDouble(random.NextInt64(long.MinValue, long.MaxValue));
            if (double.IsFinite(any)) yield return any;
            yield return BitConverter.Int64BitsToDouble(random.NextInt64(1, 0x0010000000000000L)); // subnormal
            yield return Math.Pow(10, 616 * random.NextDouble() - 308);
        }
        foreach (var v in new[] { 1e-300, 5e-324, 1 - 1e-16, -5e-324, 2.2250738585072014E-308, -2.2250738585072009E-308, double.MaxValue,
                     double.MinValue, 1e15, 1e16, 123456789012345680000.0, 1.5e300, 1e-5, 0.0001, -1e-7 })
        {
            yield return v;
            yield return Math.BitIncrement(v);
            yield return Math.BitDecrement(v);
        }
    }

    [Fact]
    public void Every_double_is_written_in_plain_decimal_notation_with_the_runtime_s_round_trip_digits_and_reads_back_the_same()
    {
        var buffer = new byte[ShortestDouble.MaxLength];
        var expected = new byte[64];
        var failures = new List<string>();
        foreach (var v in Edges().Concat(Samples(seed: 16, count: 300_000)).Concat(Anywhere(seed: 17, count: 100_000)))
        {
            var n = ShortestDouble.Format(v, buffer);
            v.TryFormat(expected, out var m, "R", CultureInfo.InvariantCulture).ShouldBeTrue();
            var text = Encoding.ASCII.GetString(buffer, 0, n);
            var runtime = Encoding.ASCII.GetString(expected, 0, m);
            if (!double.IsFinite(v))
            {
                text.ShouldBe(runtime);
                continue;
            }
            var readsBack = ReadsBack(text, v);
            var plain = text.All(c => c is '-' or '.' or (>= '0' and <= '9'));
            // The runtime's text for some powers of two (2^-25 among them) reads back as the double below; ours must not.
            if (!readsBack || !plain || (Digits(text) != Digits(runtime) && ReadsBack(runtime, v)))
                failures.Add($"{BitConverter.DoubleToInt64Bits(v):X16}: {text} (reads back: {readsBack}); the runtime writes {runtime}");
        }
        failures.Take(10).ShouldBeEmpty();
    }

    [Fact]
    public void No_plain_decimal_with_fewer_places_reads_back_as_the_same_double()
    {
        // Given doubles of every magnitude below 1e15, whose texts have a decimal point
        var buffer = new byte[ShortestDouble.MaxLength];
        var failures = new List<string>();
        foreach (var v in Edges().Concat(Samples(seed: 18, count: 20_000)).Concat(Anywhere(seed: 19, count: 20_000)))
        {
            if (!double.IsFinite(v)) continue;
            var text = Encoding.ASCII.GetString(buffer, 0, ShortestDouble.Format(v, buffer));
            var point = text.IndexOf('.', StringComparison.Ordinal);
            if (point < 0) continue;

            // When the text is cut one place shorter, rounded down and up
            var places = text.Length - point - 1;
            var cut = text[..^1].TrimEnd('.');
            var up = RoundUpLastPlace(cut);

            // Then neither reads back (no decimal with fewer places lies between them, so none reads back)
            if (ReadsBack(cut, v) || ReadsBack(up, v))
                failures.Add($"{text}: {cut} or {up} reads back too ({places} places)");
        }
        failures.Take(10).ShouldBeEmpty();
    }

    [Theory]
    [InlineData(2.024439555570717E-06, "0.000002024439555570717")]
    [InlineData(1 - 1e-16, "0.9999999999999999")]
    [InlineData(1.3966042322621774E-07, "0.00000013966042322621774")]
    [InlineData(-7.5e-5, "-0.000075")]
    [InlineData(1e16, "10000000000000000")]
    [InlineData(1.25e17, "125000000000000000")]
    [InlineData(0.5, "0.5")]
    public void Small_and_large_numbers_are_written_without_an_exponent(double value, string expected)
        => ShortestDouble.ToText(value).ShouldBe(expected);

    [Fact]
    public void The_smallest_doubles_are_written_with_all_their_zeros_and_fit_the_longest_text()
    {
        var text = ShortestDouble.ToText(double.Epsilon);

        ShortestDouble.ToText(1e-300).ShouldBe("0." + new string('0', 299) + "1");
        text.ShouldBe("0." + new string('0', 323) + "5");
        ReadsBack(text, double.Epsilon).ShouldBeTrue();
        ShortestDouble.ToText(-2.2250738585072009E-308).Length.ShouldBeLessThanOrEqualTo(ShortestDouble.MaxLength);
    }

    [Fact]
    public void A_power_of_two_the_runtime_writes_one_digit_too_short_is_written_so_it_reads_back()
    {
        var v = Math.Pow(2, -25);
        var buffer = new byte[ShortestDouble.MaxLength];

        var text = Encoding.ASCII.GetString(buffer, 0, ShortestDouble.Format(v, buffer));

        text.ShouldBe("0.000000029802322387695312");
        ReadsBack(text, v).ShouldBeTrue();
    }

    /// <summary>The significant digits of a number's text, plain or with an exponent: "2.5E-07" and "0.00000025" both give "25".</summary>
    private static string Digits(string text)
    {
        var e = text.IndexOfAny(['E', 'e']);
        var mantissa = e < 0 ? text : text[..e];
        return mantissa.Replace("-", "", StringComparison.Ordinal).Replace(".", "", StringComparison.Ordinal).TrimStart('0').TrimEnd('0');
    }

    /// <summary>"0.0123" → "0.0124", "0.99" → "1.00": the decimal one unit in the last place above.</summary>
    private static string RoundUpLastPlace(string text)
    {
        var chars = text.ToCharArray();
        var i = chars.Length - 1;
        for (; i >= 0; i--)
        {
            if (chars[i] is '.' or '-') continue;
            if (chars[i] != '9')
            {
                chars[i]++;
                return new string(chars);
            }
            chars[i] = '0';
        }
        var sign = text.StartsWith('-') ? "-" : "";
        return sign + "1" + new string(chars).TrimStart('-');
    }

    private static bool ReadsBack(string text, double v)
        => BitConverter.DoubleToInt64Bits(double.Parse(text, CultureInfo.InvariantCulture)) == BitConverter.DoubleToInt64Bits(v);
}

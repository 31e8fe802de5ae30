using System.Globalization;
using System.Runtime.CompilerServices;

namespace Snorkeler.IO;

/// <summary>
/// Writes a double as UTF-8 exactly as <c>double.TryFormat(..., "R", InvariantCulture)</c> does (the shortest text that
/// reads back as the same double), 4-8× faster for the numbers label models write: probabilities in [1e-15, 1].
/// Anything else (negative, above 1, tiny, subnormal, NaN) goes to the runtime's formatter.
/// </summary>
/// <remarks>
/// The runtime finds the shortest digits with Grisu3 and falls back to Dragon4, through a general number buffer.
/// Here, for a double v = m·2^-s in (0, 1), the exact 17-significant-digit expansion of v comes from one 128-bit
/// product: v·10^q·2^S = m·5^q (with S = s - q), whose top bits are the digits I and whose low S bits the rest F.
/// Rounding I to n digits leaves a remainder r (in units of 2^-S at the 17-digit scale), and the n-digit decimal
/// reads back as v exactly when it lies strictly inside v's rounding interval (half an ulp each side; the
/// interval's ends have more than 50 decimal places below 1, so they never tie with a short decimal):
/// 2r &lt; 5^q. Shorter roundings are never closer, so the smallest n that passes is found by bisection over
/// 1..17; it is the runtime's answer (the shortest, and the nearest of that length). Powers of two (whose interval
/// is lopsided) are searched length by length; a value exactly between two roundings goes to the runtime. Tested
/// against the runtime on millions of doubles.
/// </remarks>
internal static class ShortestDouble
{
    /// <summary>The longest text written: "-1.2345678901234567E-308".</summary>
    public const int MaxLength = 32;

    private static readonly ulong[] Pow10 = Powers<ulong>(10, 18);

    private static readonly UInt128[] Pow5 = Powers<UInt128>(5, 33);

    private static T[] Powers<T>(int radix, int count) where T : System.Numerics.INumber<T>
    {
        var powers = new T[count];
        powers[0] = T.One;
        for (var i = 1; i < count; i++) powers[i] = powers[i - 1] * T.CreateChecked(radix);
        return powers;
    }

    /// <summary>Writes <paramref name="value"/> into <paramref name="destination"/> (at least <see cref="MaxLength"/> bytes); returns the bytes written.</summary>
    /// <remarks>
    /// Compiled fully optimised at its first call: ReadyToRun leaves out code using <see cref="UInt128"/>, so it would
    /// otherwise start as unoptimised tier-0 code (the 128-bit operators not inlined) and format a large share of a
    /// 1 M-row <c>predict</c>'s probabilities that way before the tier-1 code arrives (docs/benchmarks.md).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Format(double value, Span<byte> destination)
    {
        if (value == 0)
        {
            if (double.IsNegative(value)) return Fallback(value, destination);
            destination[0] = (byte)'0';
            return 1;
        }
        if (value == 1)
        {
            destination[0] = (byte)'1';
            return 1;
        }
        if (!(value > 1e-15 && value < 1)) return Fallback(value, destination);
        var bits = BitConverter.DoubleToUInt64Bits(value);
        var fraction = bits & ((1UL << 52) - 1);
        var m = fraction | (1UL << 52);
        var s = 1075 - (int)(bits >> 52); // value = m · 2^-s, s in 53..102

        // z: zeros after the point before the first significant digit, estimated from the binary exponent and corrected below.
        var z = (int)((s - 53) * 0.30102999566398120);
        for (var attempt = 0; attempt < 2; attempt++, z++)
        {
            var q = z + 17; // the 17th significant digit's decimal place
            if (q > 32) return Fallback(value, destination);
            var shift = s - q;
            if (shift is <= 0 or > 72) return Fallback(value, destination);
            // m·5^q: one 64×64-bit multiply while 5^q fits in 64 bits (q ≤ 27, values above ~1e-11).
            UInt128 x;
            if (q <= 27)
            {
                var high = Math.BigMul(m, (ulong)Pow5[q], out var low);
                x = new UInt128(high, low);
            }
            else x = m * Pow5[q];
            var digits = (ulong)(x >> shift);
            if (digits >= Pow10[17]) return Fallback(value, destination); // z too large: never happens with the estimate from below
            if (digits < Pow10[16]) continue; // the first digit is one place further right
            var rest = x & ((UInt128.One << shift) - 1);
            var bound = Pow5[q];

            if (fraction == 0) return PowerOfTwo(digits, rest, shift, q, destination, value);

            // The fewest digits n whose rounding reads back as the value. Most probabilities need 15-17, so 16 is tried
            // first, then 15, then a bisection over 1..14 (reading back is monotone in n: more digits are never farther).
            ulong kept;
            int tie;
            if (!Reads(digits, rest, shift, 1, bound, out kept, out tie))
            {
                // 17 digits (always enough, unless exactly halfway).
                if (tie != 0 || !Reads(digits, rest, shift, 0, bound, out kept, out tie) || tie != 0) return Fallback(value, destination);
                return Write(kept, q, destination, value);
            }
            if (tie != 0) return Fallback(value, destination);
            var best = kept;
            var bestDropped = 1;
            if (Reads(digits, rest, shift, 2, bound, out kept, out tie))
            {
                if (tie != 0) return Fallback(value, destination);
                best = kept;
                bestDropped = 2;
                int lowest = 1, highest = 14;
                while (lowest <= highest)
                {
                    var n = (lowest + highest) / 2;
                    var ok = Reads(digits, rest, shift, 17 - n, bound, out kept, out tie);
                    if (tie != 0) return Fallback(value, destination);
                    if (ok)
                    {
                        best = kept;
                        bestDropped = 17 - n;
                        highest = n - 1;
                    }
                    else lowest = n + 1;
                }
            }
            else if (tie != 0) return Fallback(value, destination);
            return Write(best, q - bestDropped, destination, value);
        }
        return Fallback(value, destination);
    }

    /// <summary>
    /// Whether the 17-digit expansion <paramref name="digits"/> (+ <paramref name="rest"/>/2^shift) rounded to drop
    /// <paramref name="dropped"/> digits reads back as the value; <paramref name="kept"/> is that rounding, and
    /// <paramref name="tie"/> is nonzero when the value lies exactly between two roundings (left to the runtime).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool Reads(ulong digits, UInt128 rest, int shift, int dropped, UInt128 bound, out ulong kept, out int tie)
    {
        var p = Pow10[dropped];
        // Most numbers stop at dropping one or two digits: dividing by a constant is a multiply, by a variable a slow division.
        kept = dropped switch
        {
            1 => digits / 10,
            2 => digits / 100,
            _ => digits / p,
        };
        var down = ((UInt128)(digits - kept * p) << shift) | rest;
        var up = ((UInt128)p << shift) - down;
        tie = down == up ? 1 : 0;
        // 2r < bound with bound = 5^q odd: r <= bound / 2 (no 128-bit multiply).
        var half = bound >> 1;
        if (up < down)
        {
            kept++;
            return up <= half;
        }
        return down <= half;
    }

    /// <summary>
    /// A power of two: the double below is half as far as the one above, so the interval reaching down is half as
    /// wide (4r &lt; 5^q) and the nearest rounding may fail where the one above passes; each length is tried in
    /// turn, both roundings. (The runtime treats this interval as symmetric, and for some powers of two, 2^-25
    /// among them, writes a text that reads back as the double below; this one always reads back.)
    /// </summary>
    private static int PowerOfTwo(ulong digits, UInt128 rest, int shift, int q, Span<byte> destination, double value)
    {
        var bound = Pow5[q];
        for (var n = 1; n <= 17; n++)
        {
            var dropped = 17 - n;
            var p = Pow10[dropped];
            var kept = digits / p;
            var down = ((UInt128)(digits - kept * p) << shift) | rest;
            var up = ((UInt128)p << shift) - down;
            var downReads = 4 * down < bound;
            var upReads = 2 * up < bound;
            if (downReads && (!upReads || down < up)) return Write(kept, q - dropped, destination, value);
            if (upReads && (!downReads || up < down)) return Write(kept + 1, q - dropped, destination, value);
            if (downReads) return Write(kept % 2 == 0 ? kept : kept + 1, q - dropped, destination, value); // halfway: the even one
        }
        return Fallback(value, destination);
    }

    /// <summary>Writes best · 10^-places as "0.000ddd" (from 1e-4 up) or "d.dddE-0x" below, as the runtime does.</summary>
    private static int Write(ulong best, int places, Span<byte> destination, double value)
    {
        while (best % 10 == 0 && places > 0)
        {
            best /= 10;
            places--;
        }
        if (places == 0) return best == 1 ? One(destination) : Fallback(value, destination);
        var count = DigitCount(best);
        // The value is 0.(zeros)(digits) with places decimals.
        var zeros = places - count;
        if (zeros < 0) return Fallback(value, destination); // rounded up to 1 or more
        var exponent = -(zeros + 1);
        if (exponent >= -5 + 1)
        {
            destination[0] = (byte)'0';
            destination[1] = (byte)'.';
            // At most three zeros: a loop, not Span.Fill (whose byte instance starts as tier-0 code, and is slower for so few).
            for (var z = 2; z < 2 + zeros; z++) destination[z] = (byte)'0';
            var end = 2 + zeros + count;
            WriteDigits(best, destination[..end]);
            return end;
        }
        // d.dddE-xx: the digits go one place right, then the first moves back before the point.
        WriteDigits(best, destination[..(count + 1)]);
        var w = 1;
        destination[0] = destination[1];
        if (count > 1)
        {
            destination[1] = (byte)'.';
            w = count + 1;
        }
        destination[w++] = (byte)'E';
        destination[w++] = (byte)'-';
        var e = -exponent;
        destination[w++] = (byte)('0' + e / 10);
        destination[w++] = (byte)('0' + e % 10);
        return w;
    }

    /// <summary>The decimal digits of 0 &lt; value &lt; 10^18.</summary>
    private static int DigitCount(ulong value)
    {
        var count = 1;
        while (count < Pow10.Length && value >= Pow10[count]) count++;
        return count;
    }

    /// <summary>"00" to "99": digits are written two at a time.</summary>
    private static ReadOnlySpan<byte> DigitPairs => "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"u8;

    /// <summary>Writes the decimal digits of <paramref name="value"/> right-aligned to end where <paramref name="destination"/> ends.</summary>
    private static void WriteDigits(ulong value, Span<byte> destination)
    {
        var pairs = DigitPairs;
        var w = destination.Length;
        while (value >= 100)
        {
            var q = value / 100; // a multiply: one division and no separate remainder
            var r = (int)(value - q * 100) * 2;
            destination[--w] = pairs[r + 1];
            destination[--w] = pairs[r];
            value = q;
        }
        if (value >= 10)
        {
            var r = (int)value * 2;
            destination[--w] = pairs[r + 1];
            destination[--w] = pairs[r];
        }
        else destination[--w] = (byte)('0' + (int)value);
    }

    private static int One(Span<byte> destination)
    {
        destination[0] = (byte)'1';
        return 1;
    }

    private static int Fallback(double value, Span<byte> destination)
    {
        value.TryFormat(destination, out var written, "R", CultureInfo.InvariantCulture);
        return written;
    }
}

using System.Runtime.CompilerServices;

namespace Snorkeler;

/// <summary>Argument checks that name the offending parameter and value.</summary>
public static class Guard
{
    /// <summary>The value, or <see cref="ArgumentNullException"/> naming the parameter.</summary>
    public static T NotNull<T>(T? value, [CallerArgumentExpression(nameof(value))] string? name = null)
        where T : class
        => value ?? throw new ArgumentNullException(name);

    /// <summary>The value, or <see cref="ArgumentOutOfRangeException"/> unless it is above 0.</summary>
    public static int Positive(int value, [CallerArgumentExpression(nameof(value))] string? name = null)
        => value > 0 ? value : throw new ArgumentOutOfRangeException(name, value, "must be positive");

    /// <summary>The value, or <see cref="ArgumentOutOfRangeException"/> when it is below 0.</summary>
    public static int NonNegative(int value, [CallerArgumentExpression(nameof(value))] string? name = null)
        => value >= 0 ? value : throw new ArgumentOutOfRangeException(name, value, "must not be negative");

    /// <summary>The value, or <see cref="ArgumentOutOfRangeException"/> when it is below 0.</summary>
    public static long NonNegative(long value, [CallerArgumentExpression(nameof(value))] string? name = null)
        => value >= 0 ? value : throw new ArgumentOutOfRangeException(name, value, "must not be negative");
}

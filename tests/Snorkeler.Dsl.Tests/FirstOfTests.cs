using Snorkeler.Dsl.Syntax;
using Sprache;

namespace Snorkeler.Dsl.Tests;

/// <summary><see cref="Syntax.ParserExtensions.FirstOf{T}"/> against the chain of Sprache <c>Or</c>s it stands for in the rule grammar.</summary>
public sealed class FirstOfTests
{
    /// <summary>
    /// Options described as text: <c>s2</c> succeeds after 2 characters, <c>s0</c> succeeds consuming nothing,
    /// <c>f1</c> fails 1 character on (a partial parse); each expects its own name, <c>f1x</c> and <c>f1y</c> expect
    /// the same thing ("x") to check that shared expectations are listed once.
    /// </summary>
    [Theory]
    [InlineData("f0 f0 f0")]
    [InlineData("f0 f1 f0")]
    [InlineData("f1 f0 f1")]
    [InlineData("f1 f2 f2 f1")]
    [InlineData("f0 s2 f0")]
    [InlineData("f2 s1")]
    [InlineData("s0 f0")]
    [InlineData("s0 s1 f0")]
    [InlineData("f0 s0 f1")]
    [InlineData("f0 s0 s2")]
    [InlineData("f1x f1y f1 f1x")]
    [InlineData("s2 f0")]
    public void FirstOf_gives_what_a_chain_of_Or_gives(string options)
    {
        // Given
        var parsers = options.Split(' ').Select(Option).ToArray();
        var input = new ItemInput("abcdef", 0, 6, 1, 1);

        // When
        var chained = parsers.Skip(1).Aggregate(parsers[0], (chain, next) => chain.Or(next))(input);
        var first = Syntax.ParserExtensions.FirstOf(parsers)(input);

        // Then
        first.WasSuccessful.ShouldBe(chained.WasSuccessful);
        first.Remainder.Position.ShouldBe(chained.Remainder.Position);
        if (first.WasSuccessful) first.Value.ShouldBe(chained.Value);
        else
        {
            first.Message.ShouldBe(chained.Message);
            first.Expectations.ToArray().ShouldBe(chained.Expectations.Distinct().ToArray());
        }
    }

    private static Parser<string> Option(string spec, int index)
    {
        var consumed = spec[1] - '0';
        var expected = spec.Length > 2 ? spec[2..3] : $"{spec}#{index}";
        return spec[0] == 's'
            ? i => Result.Success($"{spec}#{index}", Forward(i, consumed))
            : i => Result.Failure<string>(Forward(i, consumed), $"failed {spec}#{index}", [expected]);
    }

    private static IInput Forward(IInput i, int count) => count == 0 ? i : ((ItemInput)i).Forward(count);
}

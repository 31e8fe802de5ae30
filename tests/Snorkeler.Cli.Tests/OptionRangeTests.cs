using Snorkeler.Cli.Tests.Support;

namespace Snorkeler.Cli.Tests;

/// <summary>Option values at the edge of their range: refused as usage errors that state the range, and advice that names the option at fault.</summary>
public sealed class OptionRangeTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly string _matrix;

    public OptionRangeTests() => _matrix = _temp.Write("votes.csv", "a,b,c\n1,1,-1\n0,-1,0\n1,0,1\n0,0,-1\n1,1,1\n-1,0,0\n1,-1,1\n0,0,0\n");

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("flyingsquid", "1e-320,1")]
    [InlineData("mv", "1,1e-310")]
    [InlineData("snorkel", "1e-200,1e200")]
    public void A_prior_with_shares_more_than_1e300_apart_is_a_usage_error_even_when_they_sum_to_1(string model, string prior)
    {
        // 1e-320,1 sums to 1 and passed untouched; flyingsquid then failed with "the base scores must be 2 finite numbers"
        Shell.Run("fit", "--matrix", _matrix, "--model", model, "--out", _temp.File("m.json"), "--prior", prior)
            .ShouldFailWith(2, $"snorkeler fit: --prior {prior} gives a class a share too small to represent; give shares within a factor of 1e300 of each other");
    }

    [Fact]
    public void A_prior_with_shares_1e300_apart_is_still_accepted()
        => Shell.Run("fit", "--matrix", _matrix, "--model", "mv", "--out", _temp.File("m.json"), "--prior", "1e-150,1e150").ShouldSucceed();

    [Theory]
    [InlineData("--seed", "2147483648", "snorkeler fit: option '--seed' expects a whole number from -2147483648 to 2147483647, got '2147483648'")]
    [InlineData("--seed", "-99999999999", "snorkeler fit: option '--seed' expects a whole number from -2147483648 to 2147483647, got '-99999999999'")]
    [InlineData("--epochs", "9999999999", "snorkeler fit: --epochs must be between 1 and 1000000, got 9999999999")]
    public void A_whole_number_beyond_the_int_range_is_told_the_range(string option, string value, string message)
        => Shell.Run("fit", "--matrix", _matrix, "--model", "snorkel", "--out", _temp.File("m.json"), option, value).ShouldFailWith(2, message);

    [Fact]
    public void A_seed_that_is_no_number_is_still_told_it_expects_a_whole_number()
        => Shell.Run("fit", "--matrix", _matrix, "--model", "snorkel", "--out", _temp.File("m.json"), "--seed", "1.5")
            .ShouldFailWith(2, "snorkeler fit: option '--seed' expects a whole number, got '1.5'");

    [Theory]
    [InlineData("--seed", " 5")]
    [InlineData("--seed", "5 ")]
    [InlineData("--lr", " 0.1")]
    [InlineData("--epochs", " 5 ")]
    public void A_number_with_spaces_around_it_reads_as_the_number_whichever_option_takes_it(string option, string value)
    {
        // Given the fit with the number written plainly
        Shell.Run("fit", "--matrix", _matrix, "--model", "snorkel", "--out", _temp.File("plain.json"), option, value.Trim()).ShouldSucceed();

        // When the number comes with spaces around it, as a script's variable may give it
        Shell.Run("fit", "--matrix", _matrix, "--model", "snorkel", "--out", _temp.File("spaced.json"), option, value).ShouldSucceed();

        // Then the model is the same
        File.ReadAllText(_temp.File("spaced.json")).ShouldBe(File.ReadAllText(_temp.File("plain.json")));
    }

    [Theory]
    [InlineData("--seed", "5 6", "snorkeler fit: option '--seed' expects a whole number, got '5 6'")]
    [InlineData("--lr", "0.1 0.2", "snorkeler fit: --lr expects a number, got '0.1 0.2'")]
    public void Two_numbers_in_one_value_are_refused_whichever_option_takes_them(string option, string value, string message)
        => Shell.Run("fit", "--matrix", _matrix, "--model", "snorkel", "--out", _temp.File("m.json"), option, value).ShouldFailWith(2, message);

    [Fact]
    public void Snorkel_diverging_under_a_huge_l2_advises_reducing_l2_not_lr()
        => Shell.Run("fit", "--matrix", _matrix, "--model", "snorkel", "--out", _temp.File("m.json"), "--l2", "1e308")
            .ShouldFailWith(1, "error: snorkel: the fit diverged at epoch 1; reduce --l2 (now 1E+308): with --lr 0.01 its penalty alone overshoots (lr·l2² must stay below 1 + momentum = 1.9)");
}

using System.Globalization;
using Snorkeler.Cli.Tests.Support;

namespace Snorkeler.Cli.Tests;

/// <summary>
/// Every option of fit, predict, label, compare, apply, analyze and rows given the values a user mistypes (NaN, inf,
/// a comma decimal, hex, trailing junk, blanks, numbers past int or double, wrong case, a near-miss word, the option
/// twice): each either works, with finite probabilities, or is a usage error (exit 2) whose first line names the
/// option, as docs/cli.md's exit-code table promises; never a stack trace, an internal error or an output file.
/// </summary>
public sealed class OptionEdgeValueTests : IDisposable
{
    private static readonly string Train = TestPaths.YouTubeFile("train.json");
    private static readonly string Test = TestPaths.YouTubeFile("test.json");
    private static readonly string Lfs = TestPaths.InRepo("labeling-functions", "spam");

    /// <summary>Each model option of <c>fit</c> and a model that reads it, with whether it takes a whole number.</summary>
    private static readonly (string Option, string Model, bool Whole)[] ModelOptions =
    [
        ("--epochs", "snorkel", true), ("--lr", "snorkel", false), ("--l2", "snorkel", false), ("--momentum", "snorkel", false),
        ("--prec-init", "snorkel", false), ("--max-iter", "dawid-skene", true), ("--tol", "dawid-skene", false),
        ("--smoothing", "dawid-skene", false), ("--elbo-tol", "ebcc", false), ("--subtypes", "ebcc", true), ("--a-pi", "ebcc", false),
        ("--alpha", "ebcc", false), ("--a-v", "ebcc", false), ("--b-v", "ebcc", false), ("--restarts", "ibcc", true),
        ("--diagonal", "ibcc", false), ("--off-diagonal", "ibcc", false), ("--class-prior-count", "ibcc", false),
        ("--communities", "ibcc", true), ("--competence-prior", "mace", false), ("--spam-prior", "mace", false),
        ("--strategy-prior", "mace", false), ("--ability-prior", "glad", false), ("--max-accuracy", "wmv", false),
        ("--partners", "flyingsquid", true), ("--min-correlation", "flyingsquid", false), ("--fallback-accuracy", "flyingsquid", false),
        ("--seed", "snorkel", true),
    ];

    /// <summary>Values no numeric option takes.</summary>
    private static readonly string[] NoNumber = ["NaN", "nan", "Infinity", "-Infinity", "inf", "1,5", "0x10", "3abc", "", " "];

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    public static TheoryData<string, string> NumericOptions()
    {
        var data = new TheoryData<string, string>();
        foreach (var (option, model, _) in ModelOptions) data.Add(option, model);
        return data;
    }

    [Theory]
    [MemberData(nameof(NumericOptions))]
    public void A_numeric_model_option_given_no_finite_number_in_range_is_a_usage_error_naming_it(string option, string model)
    {
        // Given values that are no number, not finite, or (for whole numbers) not whole or past int's range
        var whole = ModelOptions.Single(o => o.Option == option).Whole;
        string[] values = whole ? [.. NoNumber, "1e308", "1e-320", "2147483648", "99999999999999999999", "1.5"] : NoNumber;

        foreach (var value in values)
        {
            // When fit is given one
            var result = Fit(model, option, value);

            // Then it is a usage error whose first line names the option and the value, and no model is written
            result.ShouldFailWith(2);
            result.ErrorLines[0].ShouldStartWith("snorkeler fit: ", customMessage: $"{option} '{value}'");
            result.ErrorLines[0].ShouldContain(option, customMessage: $"{option} '{value}'");
            result.ErrorLines[0].ShouldNotContain("E-324", customMessage: $"{option} '{value}'");
            File.Exists(_temp.File("m.json")).ShouldBeFalse($"{option} '{value}' wrote a model");
        }
    }

    [Theory]
    [InlineData("--lr", "0", "snorkeler fit: --lr must be above 0 and at most 10, got 0")]
    [InlineData("--lr", "-0", "snorkeler fit: --lr must be above 0 and at most 10, got -0")]
    [InlineData("--prec-init", "-1", "snorkeler fit: --prec-init must be above 0 and at most 1, got -1")]
    public void An_option_that_must_be_positive_says_above_0_not_the_smallest_double(string option, string value, string message)
        // was: "--lr must be between 5E-324 and 10, got 0"
        => Fit("snorkel", option, value).ShouldFailWith(2, message);

    [Theory]
    [InlineData("snorkel", "--lr", "1e-320")]
    [InlineData("snorkel", "--l2", "-0")]
    [InlineData("snorkel", "--momentum", "0.999999")]
    [InlineData("snorkel", "--epochs", "1")]
    [InlineData("dawid-skene", "--tol", "1e308")]
    [InlineData("dawid-skene", "--smoothing", "1e-9")]
    [InlineData("ebcc", "--a-v", "1e6")]
    [InlineData("ebcc", "--b-v", "1e-9")]
    [InlineData("ibcc", "--diagonal", "1e-6")]
    [InlineData("mace", "--spam-prior", "1e6")]
    [InlineData("glad", "--ability-prior", "-10")]
    [InlineData("wmv", "--max-accuracy", "0.9999999")]
    [InlineData("flyingsquid", "--min-correlation", "0.999")]
    [InlineData("snorkel", "--seed", "-2147483648")]
    public void A_value_at_the_edge_of_an_options_range_fits_a_model_whose_probabilities_are_finite_and_sum_to_1(string model, string option, string value)
    {
        // Given a value at the edge of what the option takes
        // When the model is fitted with it and predicts the test split
        Fit(model, option, value).ShouldSucceed();
        Shell.Run("predict", "--model", _temp.File("m.json"), "--matrix", Test, "--out", _temp.File("p.csv")).ShouldSucceed();

        // Then every probability is a finite number from 0 to 1, each row's summing to 1
        foreach (var line in File.ReadLines(_temp.File("p.csv")).Skip(1))
        {
            var cells = line.Split(',');
            var p = cells[1..3].Select(c => double.Parse(c, CultureInfo.InvariantCulture)).ToArray();
            p.ShouldAllBe(x => double.IsFinite(x) && x >= 0 && x <= 1, line);
            p.Sum().ShouldBe(1, 1e-9, line);
        }
    }

    [Theory]
    [InlineData("mv")]
    [InlineData("wmv")]
    [InlineData("snorkel")]
    [InlineData("dawid-skene")]
    [InlineData("ebcc")]
    [InlineData("flyingsquid")]
    [InlineData("ibcc")]
    [InlineData("auto")]
    public void Fit_refuses_a_prior_of_another_length_than_the_classes_for_every_model_naming_prior(string model)
    {
        // mv, which ignores the prior, took one of any length (exit 0); wmv failed inside its snorkel fit (exit 1)
        foreach (var (prior, count) in new[] { ("0.9", "1 number"), ("0.2,0.3,0.5", "3 numbers") })
            Fit(model, "--prior", prior)
                .ShouldFailWith(2, $"snorkeler fit: --prior {prior} has {count} but the task has 2 classes (HAM, SPAM); give one per class", model);
        File.Exists(_temp.File("m.json")).ShouldBeFalse();
    }

    [Theory]
    [InlineData("0,1")]
    [InlineData("-0.5,1.5")]
    [InlineData("NaN,0.5")]
    [InlineData("Infinity,1")]
    [InlineData("0.5;0.5")]
    [InlineData("0.5,,0.5")]
    [InlineData("1e-320,1")]
    public void A_prior_with_a_zero_a_negative_a_nan_or_no_commas_is_a_usage_error_naming_prior(string prior)
        => Fit("mv", "--prior", prior).ShouldFailStartingWith(2, "snorkeler fit: --prior ");

    [Theory]
    [InlineData("0.3,0.3")]
    [InlineData("2,2")]
    [InlineData(" 0.5 , 0.5 ")]
    [InlineData("1e308,1e308")]
    public void A_prior_not_summing_to_1_is_normalised(string prior)
    {
        Fit("snorkel", "--prior", prior).ShouldSucceed();
        var saved = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(_temp.File("m.json")))!["prior"]!.AsArray();
        saved.Select(p => p!.GetValue<double>()).ShouldBe([0.5, 0.5]);
    }

    [Theory]
    [InlineData("dawid-skene", "--confusion", "one_coin", "; did you mean 'one-coin'?")]
    [InlineData("dawid-skene", "--guard", "nv", "; did you mean 'mv'?")]
    [InlineData("auto", "--select-by", "macro_f1", "; did you mean 'macro-f1'?")]
    [InlineData("wmv", "--accuracies", "dev ", "; did you mean 'dev'?")]
    [InlineData("dawid-skene", "--people", "everyone", "")]
    public void A_model_options_word_misspelt_is_a_usage_error_naming_the_option_its_words_and_the_nearest(string model, string option, string value, string hint)
        => Fit(model, option, value).ShouldFailStartingWith(2, $"snorkeler fit: {option} expects ").Error.ShouldContain($"got '{value}'{hint}");

    [Theory]
    [InlineData("dawid-skene", "--confusion", "ONE-COIN")]
    [InlineData("dawid-skene", "--guard", "MV")]
    [InlineData("ibcc", "--pool", "TRUE")]
    [InlineData("ibcc", "--restarts", "AUTO")]
    [InlineData("ebcc", "--alpha", "MV")]
    [InlineData("snorkel", "--deps", "Auto")]
    [InlineData("auto", "--select-by", "Log-Loss")]
    public void A_model_options_word_in_another_case_reads_as_the_word_as_model_names_do(string model, string option, string value)
    {
        // Given the same fit with the word as documented, in lower case
        Fit(model, option, value.ToLowerInvariant()).ShouldSucceed();
        var lower = File.ReadAllText(_temp.File("m.json"));

        // When the word is given in another case, then the fit succeeds and saves the same model
        Fit(model, option, value).ShouldSucceed();
        File.ReadAllText(_temp.File("m.json")).ShouldBe(lower);
    }

    [Theory]
    [InlineData("--seed", "1", "2")]
    [InlineData("--epochs", "5", "5")]
    [InlineData("--prior", "0.5,0.5", "0.4,0.6")]
    [InlineData("--lr", "0.1", "0.1")]
    public void An_option_given_twice_is_a_usage_error_even_with_the_same_value(string option, string first, string second)
        => Shell.Run("fit", "--matrix", Train, "--model", "snorkel", "--out", _temp.File("m.json"), option, first, option, second)
            .ShouldFailWith(2, $"snorkeler fit: option '{option}' is given 2 times; give it once");

    [Fact]
    public void A_model_option_of_another_model_is_warned_about_and_ignored_as_docs_say_even_when_its_value_is_bad()
    {
        var result = Fit("snorkel", "--subtypes", "NaN").ShouldSucceed();

        result.ErrorLines.ShouldContain("warning: option --subtypes does not apply to model 'snorkel' and was ignored");
    }

    [Theory]
    [InlineData("auto", "--select-by", "accuracy")]
    [InlineData("dawid-skene", "--dev-gold", "clamp")]
    [InlineData("ebcc", "--dev-gold", "clamp")]
    public void An_option_that_only_a_dev_split_gives_a_use_is_warned_about_without_one_and_not_with_one(string model, string option, string value)
    {
        // Given a model option that acts on the labelled dev split (auto chose by held-out agreement, silently)
        var warning = $"warning: option {option} applies only with a labelled dev split (--dev) and was ignored";

        // When fitted without --dev, then with it
        var without = Fit(model, option, value).ShouldSucceed();
        var with = Shell.Run("fit", "--matrix", Train, "--dev", TestPaths.YouTubeFile("valid.json"), "--model", model, "--out", _temp.File("d.json"), option, value).ShouldSucceed();

        // Then only the run without one says it was ignored
        without.ErrorLines.ShouldContain(warning);
        with.ErrorLines.ShouldNotContain(warning);
    }

    [Theory]
    [InlineData("auto:select-by=accuracy", false, "warning: model 'auto:select-by=accuracy': option select-by applies only with a labelled dev split (--dev) and was ignored")]
    [InlineData("auto:select-by=accuracy", true, null)]
    [InlineData("AUTO:select-by=accuracy", true, null)]
    [InlineData("auto:select-by=accuracy,dev=none", true, "warning: model 'auto:select-by=accuracy,dev=none': option select-by applies only with a labelled dev split, which this model gets only with dev=use or --dev-prior; it was ignored")]
    [InlineData("dawid-skene:dev-gold=clamp", true, "warning: model 'dawid-skene:dev-gold=clamp': option dev-gold applies only with a labelled dev split, which this model gets only with dev=use or --dev-prior; it was ignored")]
    [InlineData("dawid-skene:dev-gold=clamp,dev=use", true, null)]
    public void A_compare_model_spec_whose_dev_only_option_gets_no_dev_split_is_warned_about(string models, bool dev, string? warning)
    {
        // Given a compared model with an option that acts on the labelled dev split (before: silently ignored without one)
        string[] devArgs = dev ? ["--dev", TestPaths.YouTubeFile("valid.json")] : [];

        // When compared
        var result = Shell.Run(["compare", "--train", Train, "--test", Test, "--models", models, .. devArgs]).ShouldSucceed();

        // Then the warning is given exactly when that model gets no dev split
        var warnings = result.ErrorLines.Where(l => l.StartsWith("warning:", StringComparison.Ordinal)).ToArray();
        if (warning is null) warnings.ShouldBeEmpty();
        else warnings.ShouldBe([warning]);
    }

    [Theory]
    [InlineData("snorkel:epochs=5,epochs=6", "snorkeler compare: model 'snorkel:epochs=5,epochs=6': option 'epochs' is given twice; give it once")]
    [InlineData("snorkel:epochs=NaN", "snorkeler compare: model 'snorkel:epochs=NaN': snorkel:epochs expects a whole number, got 'NaN'")]
    [InlineData("snorkel:lr=0", "snorkeler compare: model 'snorkel:lr=0': snorkel:lr must be above 0 and at most 10, got 0")]
    [InlineData("snorkel:subtypes=3", "snorkeler compare: model 'snorkel:subtypes=3': snorkel has no option 'subtypes'")]
    [InlineData("dawid-skene:smoothing=-0", "snorkeler compare: model 'dawid-skene:smoothing=-0': dawid-skene:smoothing must be between 1e-9 and 1000000000, got -0")]
    [InlineData("ibcc:pool=false,communities=2", "snorkeler compare: model 'ibcc:pool=false,communities=2': ibcc:communities groups the workers whose confusion matrices are pooled, and ibcc:pool=false pools none: drop one of the two")]
    public void A_compare_model_spec_with_a_bad_or_repeated_option_is_a_usage_error(string models, string message)
        // 'snorkel:epochs=5,epochs=6' compared snorkel with 6 epochs, silently
        => Shell.Run("compare", "--train", Train, "--test", Test, "--models", models).ShouldFailWith(2, message);

    public static TheoryData<string[], string> OtherCommands() => new()
    {
        { ["apply", "--lfs", Lfs, "--data", Train, "--out", "{o}/m.snkm", "--threads", "0"], "--threads" },
        { ["apply", "--lfs", Lfs, "--data", Train, "--out", "{o}/m.snkm", "--threads", "NaN"], "--threads" },
        { ["apply", "--lfs", Lfs, "--data", Train, "--out", "{o}/m.snkm", "--lf-timeout", "-1"], "--lf-timeout" },
        { ["apply", "--lfs", Lfs, "--data", Train, "--out", "{o}/m.snkm", "--lf-timeout", "1.5"], "--lf-timeout" },
        { ["predict", "--model", "{model}", "--matrix", Test, "--out", "{o}/p.csv", "--tie-break", "true_random"], "--tie-break" },
        { ["predict", "--model", "{model}", "--matrix", Test, "--out", "{o}/p.csv", "--seed", "2147483648"], "--seed" },
        { ["predict", "--model", "{model}", "--matrix", Test, "--out", "{o}/p.csv", "--seed", "-0x1"], "--seed" },
        { ["label", "--lfs", Lfs, "--data", Train, "--out", "{o}/l.csv", "--model", "mv", "--prior", "0.9"], "--prior" },
        { ["label", "--lfs", Lfs, "--data", Train, "--out", "{o}/l.csv", "--model", "snorkel", "--lr", "inf"], "--lr" },
        { ["label", "--lfs", Lfs, "--data", Train, "--out", "{o}/l.csv", "--threads", "1e3"], "--threads" },
        { ["compare", "--train", Train, "--test", Test, "--models", "mv", "--seeds", "0"], "--seeds" },
        { ["compare", "--train", Train, "--test", Test, "--models", "mv", "--format", "md"], "--format" },
        { ["compare", "--suite", TestPaths.Shared + "/data", "--models", "mv", "--seeds", "1001"], "--seeds" },
        { ["compare", "--suite", "", "--models", "mv"], "--suite" },
        { ["analyze", "--matrix", Train, "--format", "yaml"], "--format" },
        { ["analyze", "--matrix", TestPaths.Crowd("bluebird"), "--least-certain", "-1"], "--least-certain" },
        { ["rows", "--data", Train, "--lfs", Lfs, "--uncovered", "--limit", "-1"], "--limit" },
        { ["rows", "--data", Train, "--lfs", Lfs, "--uncovered", "--width", "2147483648"], "--width" },
        { ["rows", "--data", Train, "--lfs", Lfs, "--uncertain", "--margin", "-0"], "--margin" },
        { ["rows", "--data", Train, "--lfs", Lfs, "--uncertain", "--margin", "NaN"], "--margin" },
    };

    [Theory]
    [MemberData(nameof(OtherCommands))]
    public void Another_commands_option_given_a_value_it_does_not_take_is_a_usage_error_naming_it(string[] args, string option)
    {
        // Given a fitted model and an empty output folder
        var output = Directory.CreateDirectory(_temp.File("out")).FullName;
        var model = _temp.File("model.json");
        if (args.Contains("{model}")) Shell.Run("fit", "--matrix", Train, "--model", "mv", "--out", model).ShouldSucceed();

        // When the command runs with the bad value
        var result = Shell.Run(args.Select(a => a.Replace("{o}", output, StringComparison.Ordinal).Replace("{model}", model, StringComparison.Ordinal)).ToArray());

        // Then it is a usage error naming the option, and nothing is written
        result.ShouldFailWith(2);
        result.ErrorLines[0].ShouldStartWith($"snorkeler {args[0]}: ");
        result.ErrorLines[0].ShouldContain(option);
        Directory.GetFiles(output).ShouldBeEmpty();
    }

    private CliResult Fit(string model, string option, string value)
    {
        File.Delete(_temp.File("m.json"));
        return Shell.Run("fit", "--matrix", Train, "--model", model, "--out", _temp.File("m.json"), option, value);
    }
}

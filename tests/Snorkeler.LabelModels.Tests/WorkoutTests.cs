using System.Text.Json.Nodes;
using Snorkeler.LabelModels.Tests.Support;

namespace Snorkeler.LabelModels.Tests;

/// <summary>The workout every registered label model passes.</summary>
public sealed class WorkoutTests
{
    public static TheoryData<string> Models()
    {
        var data = new TheoryData<string>();
        foreach (var kind in LabelModelCatalog.All) data.Add(kind.Name);
        foreach (var variant in Variants) data.Add(variant);
        return data;
    }

    /// <summary>
    /// Model options with their own code paths: "name:option=value" (split at the first colon and equals sign). Each
    /// value that changes what the fit does is here; values that only tune a number (--epochs, --tol) are not.
    /// </summary>
    internal static readonly string[] Variants =
    [
        "snorkel:deps=auto", "snorkel:deps=lf_0:lf_1", "snorkel:prior-estimate=mv", "snorkel:prior-estimate=em", "snorkel:l2=0.1",
        "dawid-skene:dev-gold=clamp", "dawid-skene:abstain=vote", "dawid-skene:confusion=one-coin", "dawid-skene:guard=none",
        "dawid-skene:guard=mv", "dawid-skene:exclusive=independent", "dawid-skene:derived=independent", "dawid-skene:people=given",
        "dawid-skene:duplicates=each", "dawid-skene:smoothing=1e-9", "dawid-skene:smoothing=2", "dawid-skene:prior-estimate=uniform",
        "dawid-skene:prior-estimate=mv", "dawid-skene:activity=none", "dawid-skene:activity=0.8",
        "ebcc:dev-gold=clamp", "ebcc:subtypes=1", "ebcc:alpha=1", "ebcc:restarts=1", "ebcc:elbo-tol=0",
        "wmv:accuracies=dev", "wmv:accuracies=snorkel", "wmv:prior-estimate=uniform", "wmv:prior-estimate=mv",
        "flyingsquid:prior-estimate=mv", "flyingsquid:prior-estimate=em",
        "ibcc:communities=1", "ibcc:pool=false", "ibcc:restarts=1",
        "mace:pool=false", "mace:restarts=1",
        "glad:restarts=1",
        "auto:select-by=accuracy", "auto:select-by=macro-f1", "auto:select-by=log-loss",
    ];

    internal static string NameOf(string model) => model.Split(':')[0];

    /// <summary>Variants whose option reads a labelled dev split's gold labels (and does nothing, or fails, without one).</summary>
    internal static bool UsesDevGold(string model)
        => model.Contains(":dev-gold=", StringComparison.Ordinal) || model.Contains(":accuracies=dev", StringComparison.Ordinal)
           || model.Contains(":select-by=", StringComparison.Ordinal);

    /// <summary>
    /// Fits a model or variant. A variant that reads dev gold and is given no dev split gets the training matrix as
    /// its dev split: with its own gold labels, or without them with gold that ignores the votes.
    /// </summary>
    internal static ILabelModel Fit(string model, IMatrixSource train, FitContext context)
    {
        if (context.Dev is null && UsesDevGold(model) && train is LabelMatrix matrix)
            context = context with { Dev = matrix.HasGold ? matrix : WithGoldIgnoringVotes(matrix) };
        return Trainer(model).Fit(train, context);
    }

    /// <summary>
    /// dawid-skene's variants that are fitted with <c>--activity none</c> besides their option. The row activity's test runs five
    /// EM fits after every fit, also in the guard's held-out fits (a 1,000-row block test: 0.2 s without it, 16 s with it, on
    /// two busy cores); these variants' options act before it, and the plain <c>dawid-skene</c> row of every theory fits the
    /// same matrices with <c>--activity auto</c> (with and without a dev split's fixed prior). <c>derived=independent</c> keeps
    /// the test: it is the variant under which derived LFs reach it.
    /// </summary>
    private static readonly string[] WithoutActivity =
    [
        "dawid-skene:abstain=vote", "dawid-skene:confusion=one-coin", "dawid-skene:guard=none", "dawid-skene:guard=mv",
        "dawid-skene:exclusive=independent", "dawid-skene:people=given", "dawid-skene:duplicates=each", "dawid-skene:smoothing=1e-9",
        "dawid-skene:smoothing=2", "dawid-skene:prior-estimate=uniform", "dawid-skene:prior-estimate=mv",
    ];

    /// <summary>The trainer of a model or variant, checked to read the variant's option.</summary>
    internal static ILabelModelTrainer Trainer(string model)
    {
        var colon = model.IndexOf(':', StringComparison.Ordinal);
        var values = colon < 0 ? new Dictionary<string, string>() : new Dictionary<string, string> { [model[(colon + 1)..].Split('=')[0]] = model[(colon + 1)..].Split('=', 2)[1] };
        if (WithoutActivity.Contains(model)) values["activity"] = "none";
        var options = new ModelOptions(values);
        var trainer = LabelModelCatalog.Get(NameOf(model)).CreateTrainer(options);
        options.Unread.ShouldBeEmpty($"{model}: an option the model does not read");
        return trainer;
    }

    /// <summary>The matrix with gold labels 0, 7, 14, ... mod k: a dev split that says nothing about the votes.</summary>
    internal static LabelMatrix WithGoldIgnoringVotes(LabelMatrix matrix)
    {
        var k = matrix.Schema.Cardinality;
        return matrix.WithGold(Enumerable.Range(0, matrix.RowCount).Select(i => i * 7 % k).ToArray());
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Fits_a_binary_task_and_predicts_finite_probabilities_summing_to_one(string model)
    {
        var train = Some.Synthetic(600, 6, 2, seed: 1);
        var dev = Some.Synthetic(100, 6, 2, seed: 2);
        foreach (var context in new[] { FitContext.WithSeed(7), FitContext.WithSeed(7) with { Dev = dev } })
        {
            var fitted = Fit(model, train, context);
            fitted.Name.ShouldBe(NameOf(model));
            Some.CheckedProbabilities(fitted, train);
            fitted.Score(train).ExpectedAccuracy.ShouldBeGreaterThan(0.6);
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Fits_a_three_class_task_and_predicts_finite_probabilities_summing_to_one(string model)
    {
        var train = Some.Synthetic(900, 7, 3, seed: 3);
        var dev = Some.Synthetic(150, 7, 3, seed: 4);
        var fitted = Fit(model, train, FitContext.WithSeed(7) with { Dev = dev });
        Some.CheckedProbabilities(fitted, train);
        fitted.Score(train).ExpectedAccuracy.ShouldBeGreaterThan(0.6);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Rows_where_every_LF_abstained_get_finite_probabilities(string model)
    {
        var train = Some.Synthetic(300, 5, 2, seed: 5, allAbstainRows: 50);
        var fitted = Fit(model, train, FitContext.WithSeed(7));
        var probabilities = Some.CheckedProbabilities(fitted, train);
        probabilities[0].ShouldBe(probabilities[2]);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void A_matrix_without_a_single_vote_gets_the_uniform_prior_at_every_seed(string model)
    {
        // Given: three classes, four LFs that never vote (a wrong column mapping leaves every LF abstaining); 42 rows, so
        // the dev split a variant reading dev gold gets from them is balanced
        var votes = new int[42, 4];
        for (var i = 0; i < 42; i++)
            for (var j = 0; j < 4; j++) votes[i, j] = LabelSchema.Abstain;
        var train = LabelMatrix.Create(LabelSchema.Numbered(3), ["lf_0", "lf_1", "lf_2", "lf_3"], votes);

        foreach (var seed in new[] { 0, 5, 7, 11 })
        {
            // When
            var probabilities = Fit(model, train, FitContext.WithSeed(seed)).PredictProbabilities(train);

            // Then: nothing tells one class from another, so no class is preferred
            probabilities.Length.ShouldBe(42 * 3);
            foreach (var p in probabilities) p.ShouldBe(1.0 / 3, 1e-9, $"{model} at seed {seed}");
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Fit_rejects_a_matrix_without_LFs_with_a_clear_message(string model)
    {
        var empty = LabelMatrix.Create(LabelSchema.Numbered(2), [], [], [0, 1, 0]);
        var error = Should.Throw<SnorkelerException>(() => Fit(model, empty, FitContext.WithSeed(7)));
        error.Message.ShouldContain("no LFs");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Prediction_rejects_a_matrix_with_other_LFs_with_a_clear_message(string model)
    {
        var fitted = Fit(model, Some.Synthetic(300, 5, 2, seed: 6), FitContext.WithSeed(7));
        var other = Some.Synthetic(10, 4, 2, seed: 6);
        Should.Throw<SnorkelerException>(() => fitted.PredictProbabilities(other)).Message.ShouldBe("the matrix: has 4 LFs but the model was fitted on 5");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Fit_rejects_an_explicit_prior_of_the_wrong_length(string model)
    {
        if (model == MajorityVoteTrainer.ModelName) return; // majority vote does not use a prior
        var context = FitContext.WithSeed(7) with { Prior = [0.2, 0.3, 0.5] };
        Should.Throw<SnorkelerException>(() => Fit(model, Some.Synthetic(300, 5, 2, seed: 6), context))
            .Message.ShouldContain("the class prior has 3 values but the task has 2 classes");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Save_then_load_gives_identical_predictions(string model)
    {
        var train = Some.Synthetic(500, 6, 3, seed: 8);
        var fitted = Fit(model, train, FitContext.WithSeed(7) with { Dev = Some.Synthetic(100, 6, 3, seed: 9) });
        using var folder = new TempFolder();
        var path = folder.File("model.json");
        ModelFile.Save(fitted, path);
        var loaded = ModelFile.Load(path);
        loaded.Name.ShouldBe(NameOf(model));
        loaded.ClassPrior.ShouldBe(fitted.ClassPrior);
        loaded.PredictProbabilities(train).ShouldBe(fitted.PredictProbabilities(train));
        ModelFile.ToJson(loaded).ToJsonString().ShouldBe(ModelFile.ToJson(fitted).ToJsonString());
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Two_fits_with_the_same_seed_give_bit_identical_probabilities(string model)
    {
        var train = Some.Synthetic(800, 8, 2, seed: 10);
        var dev = Some.Synthetic(100, 8, 2, seed: 11);
        var first = Fit(model, train, FitContext.WithSeed(42) with { Dev = dev }).PredictProbabilities(train);
        var second = Fit(model, train, FitContext.WithSeed(42) with { Dev = dev }).PredictProbabilities(train);
        first.Select(BitConverter.DoubleToInt64Bits).ShouldBe(second.Select(BitConverter.DoubleToInt64Bits));
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Loading_rejects_NaN_negative_and_wrongly_sized_parameters(string model)
    {
        var train = Some.Synthetic(300, 5, 2, seed: 12);
        var fitted = Fit(model, train, FitContext.WithSeed(7));
        var kind = LabelModelCatalog.Get(NameOf(model));
        var parameters = fitted.SaveParameters();
        kind.Load(fitted.Schema, fitted.LfNames, fitted.ClassPrior, (JsonObject)parameters.DeepClone()).Name.ShouldBe(NameOf(model));
        if (FindNumbers(parameters) is null) return; // no numeric parameters (mv)
        foreach (var (what, mutate) in new (string, Action<JsonArray>)[]
                 {
                     ("NaN", a => a[0] = JsonValue.Create(double.NaN)),
                     ("negative", a => a[0] = -0.25),
                     ("too short", a => a.RemoveAt(a.Count - 1)),
                     ("text", a => a[0] = "x"),
                 })
        {
            var copy = (JsonObject)parameters.DeepClone();
            mutate(FindNumbers(copy)!);
            var error = Should.Throw<SnorkelerException>(() => kind.Load(fitted.Schema, fitted.LfNames, fitted.ClassPrior, copy), what);
            error.Message.ShouldNotBeNullOrWhiteSpace();
        }
    }

    [Fact]
    public void A_model_file_with_a_negative_prior_is_rejected()
    {
        var fitted = Fit(SnorkelTrainer.ModelName, Some.Synthetic(300, 5, 2, seed: 12), FitContext.WithSeed(7));
        var withChecksum = ModelFile.ToJson(new SnorkelLikeCopy(fitted, [-0.5, 1.5]));
        Should.Throw<SnorkelerException>(() => ModelFile.FromJson(withChecksum, "m.json")).Message.ShouldStartWith("m.json: field 'prior'");
    }

    /// <summary>The innermost, first array of numbers (or its first row) in the parameters.</summary>
    private static JsonArray? FindNumbers(JsonNode? node)
    {
        switch (node)
        {
            case JsonArray array when array.Count > 0 && array.All(e => e is JsonValue v && v.TryGetValue<double>(out _)):
                return array;
            case JsonArray array:
                foreach (var e in array) if (FindNumbers(e) is { } found) return found;
                return null;
            case JsonObject obj:
                foreach (var (_, value) in obj) if (FindNumbers(value) is { } found) return found;
                return null;
            default:
                return null;
        }
    }

    /// <summary>A model reporting a given prior, to write invalid model files with a valid checksum.</summary>
    private sealed class SnorkelLikeCopy(ILabelModel inner, double[] prior) : ILabelModel
    {
        public string Name => inner.Name;
        public LabelSchema Schema => inner.Schema;
        public IReadOnlyList<string> LfNames => inner.LfNames;
        public IReadOnlyList<double> ClassPrior => prior;
        public void PredictProbabilities(LabelMatrix block, Span<double> probabilities) => inner.PredictProbabilities(block, probabilities);
        public JsonObject SaveParameters() => inner.SaveParameters();
    }
}

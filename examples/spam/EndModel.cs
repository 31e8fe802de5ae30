using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Trainers;
using Microsoft.ML.Transforms.Text;

namespace Snorkeler.Examples.Spam;

/// <summary>
/// A training row for the end model: the comment and the label model's P(SPAM). <paramref name="Labelled"/>
/// is false when the label model had nothing to go on (every LF abstained, or the labels file gives -1).
/// </summary>
internal sealed record TrainingRow(string Id, string Text, double PSpam, bool Labelled)
{
    /// <summary>The label model's confidence in its hard label: max(P(SPAM), P(HAM)).</summary>
    public double Confidence => Math.Max(PSpam, 1 - PSpam);
}

/// <summary>How probabilistic labels become ML.NET training rows (the two approaches of Snorkel's tutorial).</summary>
internal enum LabelUse
{
    /// <summary>
    /// (a) Every row twice: as SPAM with example weight P(SPAM) and as HAM with weight P(HAM). The weighted
    /// log-loss is then exactly the cross-entropy against the soft label, which is what Snorkel's tutorial
    /// minimises with its probabilistic-label logistic regression.
    /// </summary>
    SoftWeights,

    /// <summary>(b) The hard label (argmax) of rows the label model labelled with at least a minimum confidence; others dropped.</summary>
    FilteredHard,
}

/// <summary>The text features, lower-cased and L2-normalised n-gram counts.</summary>
internal enum Features
{
    /// <summary>ML.NET's <c>FeaturizeText</c>: whitespace-separated word 1-2 grams and character 1-5 grams.</summary>
    Words2Chars5,

    /// <summary>
    /// Word 1-5 grams over tokens split at punctuation too (like scikit-learn's <c>CountVectorizer(ngram_range=(1, 5))</c>
    /// in Snorkel's tutorial), plus character 1-5 grams, robust to the misspellings and URLs spam is full of;
    /// each block L2-normalised.
    /// </summary>
    Tokens5Chars5,
}

/// <summary>
/// One end-model configuration. <paramref name="L2"/> is the trainer's L2 regularisation (null: SDCA's own
/// choice); <paramref name="MinConfidence"/> is, for <see cref="LabelUse.FilteredHard"/>, the lowest label-model
/// confidence kept (ties at 0.5 are always dropped); <paramref name="DropUnlabelled"/> drops rows the label model
/// did not label, as Snorkel's tutorial does before training.
/// </summary>
internal sealed record EndModelOptions(
    LabelUse LabelUse,
    Features Features,
    bool Sdca,
    float? L2,
    double MinConfidence = 0.5,
    bool DropUnlabelled = false)
{
    public override string ToString()
    {
        var trainer = Sdca ? $"SdcaLogisticRegression(L2={(L2 is { } s ? s.ToString("0.###", CultureInfo.InvariantCulture) : "auto")})"
                           : $"LbfgsLogisticRegression(L2={L2?.ToString("0.###", CultureInfo.InvariantCulture)})";
        var rows = LabelUse == LabelUse.SoftWeights
            ? (DropUnlabelled ? "labelled rows" : "all rows")
            : $"confidence >= {MinConfidence.ToString("0.##", CultureInfo.InvariantCulture)}";
        return $"{Features}, {trainer}, {rows}";
    }
}

/// <summary>Scores of a fitted end model on labelled comments.</summary>
internal sealed record EndModelScore(double Accuracy, double LogLoss);

/// <summary>
/// The end model: an ML.NET logistic regression over text n-grams, trained on probabilistic labels. It sees only
/// the comment text, so it can label comments no LF covers — the point of the end model.
/// </summary>
internal sealed class EndModel
{
    private const string FeaturesColumn = "Features";

    private readonly MLContext _ml;
    private readonly ITransformer _model;

    private EndModel(MLContext ml, ITransformer model, int trainingRows)
    {
        _ml = ml;
        _model = model;
        TrainingRows = trainingRows;
    }

    /// <summary>Comments the model was trained on (after filtering; each counted once).</summary>
    public int TrainingRows { get; }

    /// <summary>Trains one end model on <paramref name="train"/> under <paramref name="options"/>; deterministic for a seed.</summary>
    public static EndModel Fit(IReadOnlyList<TrainingRow> train, EndModelOptions options, int seed = 123)
        => new Trainer(train, seed).Fit(options);

    /// <summary>
    /// Trains end models on one set of training labels under many options, featurising each distinct
    /// (features, training rows) pair once: the text featurisation, not the logistic regression, is the slow part.
    /// </summary>
    internal sealed class Trainer(IReadOnlyList<TrainingRow> train, int seed = 123)
    {
        private readonly MLContext _ml = new(seed);
        private readonly Dictionary<Features, ITransformer> _featurizers = [];
        private readonly Dictionary<(Features, LabelUse, double, bool), (IDataView Data, int Used)> _featurized = [];

        /// <summary>Trains the end model for <paramref name="options"/>.</summary>
        public EndModel Fit(EndModelOptions options)
        {
            if (!_featurizers.TryGetValue(options.Features, out var featurizer))
            {
                // The vocabulary comes from the training texts only.
                var texts = _ml.Data.LoadFromEnumerable(train.Select(r => new MlRow { Text = r.Text }));
                featurizer = Featurize(_ml, options.Features).Fit(texts);
                _featurizers[options.Features] = featurizer;
            }
            var key = (options.Features, options.LabelUse,
                options.LabelUse == LabelUse.FilteredHard ? options.MinConfidence : 0,
                options.LabelUse == LabelUse.SoftWeights && options.DropUnlabelled);
            if (!_featurized.TryGetValue(key, out var data))
            {
                var (rows, used) = Rows(train, options);
                data = (_ml.Data.Cache(featurizer.Transform(_ml.Data.LoadFromEnumerable(rows))), used);
                _featurized[key] = data;
            }
            // A fresh context per model, so a model does not depend on what was trained before it.
            var ml = new MLContext(seed);
            var model = Regression(ml, options).Fit(data.Data);
            return new EndModel(ml, featurizer.Append(model), data.Used);
        }
    }

    private static (List<MlRow> Rows, int Used) Rows(IReadOnlyList<TrainingRow> train, EndModelOptions options)
    {
        var rows = new List<MlRow>();
        var used = 0;
        foreach (var row in train)
        {
            if (options.LabelUse == LabelUse.SoftWeights)
            {
                if (options.DropUnlabelled && !row.Labelled) continue;
                used++;
                if (row.PSpam > 0) rows.Add(new MlRow { Text = row.Text, Label = true, Weight = (float)row.PSpam });
                if (row.PSpam < 1) rows.Add(new MlRow { Text = row.Text, Label = false, Weight = (float)(1 - row.PSpam) });
            }
            else
            {
                if (!row.Labelled || row.PSpam == 0.5 || row.Confidence < options.MinConfidence) continue;
                used++;
                rows.Add(new MlRow { Text = row.Text, Label = row.PSpam > 0.5, Weight = 1 });
            }
        }
        if (!rows.Any(r => r.Label) || !rows.Any(r => !r.Label))
            throw new SnorkelerException($"the end model's training rows ({options}) hold only one class");
        return (rows, used);
    }

    /// <summary>Accuracy (threshold 0.5) and mean log-loss against the comments' gold labels.</summary>
    public EndModelScore Score(IReadOnlyList<Comment> comments)
    {
        var input = _ml.Data.LoadFromEnumerable(comments.Select(c => new MlRow { Text = c.Text, Label = c.Gold == 1, Weight = 1 }));
        var predictions = _ml.Data.CreateEnumerable<MlPrediction>(_model.Transform(input), reuseRowObject: false).ToList();
        var correct = 0;
        var logLoss = 0.0;
        for (var i = 0; i < comments.Count; i++)
        {
            var spam = comments[i].Gold == 1;
            if (predictions[i].PredictedLabel == spam) correct++;
            var p = spam ? predictions[i].Probability : 1 - predictions[i].Probability;
            logLoss -= Math.Log(Math.Clamp(p, 1e-15, 1.0));
        }
        return new EndModelScore((double)correct / comments.Count, logLoss / comments.Count);
    }

    // Separators for word tokens: whitespace, punctuation and the byte-order mark the comments end with.
    private static readonly char[] Separators = " \t\r\n.,;:!?\"'()[]{}<>/\\|-_=+*&^%$#@~`\ufeff".ToCharArray();

    private static IEstimator<ITransformer> Featurize(MLContext ml, Features features)
    {
        if (features == Features.Words2Chars5)
            return ml.Transforms.Text.FeaturizeText(FeaturesColumn, new TextFeaturizingEstimator.Options
            {
                CaseMode = TextNormalizingEstimator.CaseMode.Lower,
                KeepPunctuations = true,
                KeepNumbers = true,
                KeepDiacritics = false,
                Norm = TextFeaturizingEstimator.NormFunction.L2,
                WordFeatureExtractor = new WordBagEstimator.Options { NgramLength = 2, UseAllLengths = true },
                CharFeatureExtractor = new WordBagEstimator.Options { NgramLength = 5, UseAllLengths = true },
            }, nameof(MlRow.Text));
        return ml.Transforms.Text.NormalizeText("Normalized", nameof(MlRow.Text), TextNormalizingEstimator.CaseMode.Lower, keepDiacritics: false)
            .Append(ml.Transforms.Text.TokenizeIntoWords("Tokens", "Normalized", Separators))
            .Append(ml.Transforms.Conversion.MapValueToKey("TokenKeys", "Tokens"))
            .Append(ml.Transforms.Text.ProduceNgrams("WordGrams", "TokenKeys", ngramLength: 5, useAllLengths: true))
            .Append(ml.Transforms.NormalizeLpNorm("WordGramsNorm", "WordGrams"))
            .Append(ml.Transforms.Text.TokenizeIntoCharactersAsKeys("Chars", "Normalized"))
            .Append(ml.Transforms.Text.ProduceNgrams("CharGrams", "Chars", ngramLength: 5, useAllLengths: true))
            .Append(ml.Transforms.NormalizeLpNorm("CharGramsNorm", "CharGrams"))
            .Append(ml.Transforms.Concatenate(FeaturesColumn, "WordGramsNorm", "CharGramsNorm"));
    }

    private static IEstimator<ITransformer> Regression(MLContext ml, EndModelOptions options)
    {
        // One thread: SDCA and L-BFGS are otherwise free to reorder their work, which changes the last digits.
        if (options.Sdca)
            return ml.BinaryClassification.Trainers.SdcaLogisticRegression(new SdcaLogisticRegressionBinaryTrainer.Options
            {
                LabelColumnName = nameof(MlRow.Label),
                FeatureColumnName = FeaturesColumn,
                ExampleWeightColumnName = nameof(MlRow.Weight),
                L2Regularization = options.L2,
                NumberOfThreads = 1,
                Shuffle = true,
            });
        return ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
        {
            LabelColumnName = nameof(MlRow.Label),
            FeatureColumnName = FeaturesColumn,
            ExampleWeightColumnName = nameof(MlRow.Weight),
            L2Regularization = options.L2 ?? 1f,
            L1Regularization = 0,
            NumberOfThreads = 1,
        });
    }

    private sealed class MlRow
    {
        public string Text { get; set; } = "";
        public bool Label { get; set; }
        public float Weight { get; set; }
    }

    private sealed class MlPrediction
    {
        public bool PredictedLabel { get; set; }
        public float Probability { get; set; }
    }
}

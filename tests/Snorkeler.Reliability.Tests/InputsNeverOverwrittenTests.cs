using System.Diagnostics;
using Snorkeler.Reliability.Tests.Support;

namespace Snorkeler.Reliability.Tests;

/// <summary>
/// No output overwrites an input, and no two outputs of a run share a file: the CLI compares real file
/// identities (links followed, device and inode) before reading anything and exits 2 naming both options.
/// In arguments and messages, {t} stands for the test's folder, which holds data (d.csv, with a symbolic link
/// and a hard link to it), LFs reading a keyword list, a CSV matrix with its sidecar, a Wrench split, a model
/// and statistics.
/// </summary>
public sealed class InputsNeverOverwrittenTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public InputsNeverOverwrittenTests()
    {
        File.Copy(Corpus.File("data", "good.csv"), _temp.File("d.csv"));
        File.CreateSymbolicLink(_temp.File("link.csv"), _temp.File("d.csv"));
        Run("ln", _temp.File("d.csv"), _temp.File("hard.csv"));
        _temp.Write("lfs/spam.rules", "labels HAM, SPAM\n\nlet words = lines(\"words.txt\")\n\nlf keyword_any:\n    when text contains any words label SPAM\n\nlf keyword_song:\n    when text contains \"song\" label HAM\n");
        _temp.Write("lfs/words.txt", "subscribe\ncheck out\n");
        Shell.Run("apply", "--lfs", _temp.File("lfs"), "--data", _temp.File("d.csv"), "--out", _temp.File("m.csv"), "--stats", _temp.File("stats.json")).ShouldSucceed();
        Shell.Run("fit", "--matrix", _temp.File("m.csv"), "--model", "mv", "--out", _temp.File("model.json")).ShouldSucceed();
        Directory.CreateDirectory(_temp.File("wrench"));
        foreach (var f in Directory.GetFiles(Corpus.File("wrench", "out-of-range"))) File.Copy(f, _temp.File(Path.Combine("wrench", Path.GetFileName(f))));
        _temp.Write("pairs.csv", "left,right,worker,winner\na,b,w1,left\nb,c,w2,right\na,c,w1,tie\n");
        _temp.Write("labelled.csv", "text,label\nplease subscribe,1\nnice song,0\n");
        Shell.Run("apply", "--lfs", _temp.File("lfs"), "--data", _temp.File("labelled.csv"), "--gold-column", "label", "--out", _temp.File("g.npy")).ShouldSucceed();
        File.WriteAllText(_temp.File("wrench/train.json"), "{\"0\": {\"data\": {\"text\": \"hi\"}, \"label\": 0, \"weak_labels\": [0, -1]}, \"1\": {\"data\": {\"text\": \"buy\"}, \"label\": 1, \"weak_labels\": [1, 1]}}");
    }

    public void Dispose() => _temp.Dispose();

    public static TheoryData<string, string, string> Cases => new()
    {
        // case, arguments, the first line of stderr
        { "apply: the matrix is the data", "apply --lfs {t}/lfs --data {t}/d.csv --out {t}/d.csv", "snorkeler apply: --out '{t}/d.csv' is the same file as --data '{t}/d.csv'; an output must not overwrite an input" },
        { "apply: the data through a symbolic link", "apply --lfs {t}/lfs --data {t}/link.csv --out {t}/d.csv", "snorkeler apply: --out '{t}/d.csv' is the same file as --data '{t}/link.csv'; an output must not overwrite an input" },
        { "apply: the matrix through a symbolic link", "apply --lfs {t}/lfs --data {t}/d.csv --out {t}/link.csv", "snorkeler apply: --out '{t}/link.csv' is the same file as --data '{t}/d.csv'; an output must not overwrite an input" },
        { "apply: the data through a hard link", "apply --lfs {t}/lfs --data {t}/hard.csv --out {t}/d.csv", "snorkeler apply: --out '{t}/d.csv' is the same file as --data '{t}/hard.csv'; an output must not overwrite an input" },
        { "apply: another spelling of the path", "apply --lfs {t}/lfs --data {t}/d.csv --out {t}/lfs/../d.csv", "snorkeler apply: --out '{t}/lfs/../d.csv' is the same file as --data '{t}/d.csv'; an output must not overwrite an input" },
        { "apply: the statistics are the data", "apply --lfs {t}/lfs --data {t}/d.csv --out {t}/new.snkm --stats {t}/d.csv", "snorkeler apply: --stats '{t}/d.csv' is the same file as --data '{t}/d.csv'; an output must not overwrite an input" },
        { "apply: the matrix and the statistics on one path", "apply --lfs {t}/lfs --data {t}/d.csv --out {t}/s.csv --stats {t}/s.csv", "snorkeler apply: --out '{t}/s.csv' and --stats '{t}/s.csv' are the same file; give each output its own path" },
        { "apply: the statistics on the matrix's sidecar", "apply --lfs {t}/lfs --data {t}/d.csv --out {t}/s.csv --stats {t}/s.csv.schema.json", "snorkeler apply: the file written beside it '{t}/s.csv.schema.json' of --out '{t}/s.csv' and --stats '{t}/s.csv.schema.json' are the same file; give each output its own path" },
        { "apply: the matrix is an LF file", "apply --lfs {t}/lfs --data {t}/d.csv --out {t}/lfs/spam.rules.csv --stats {t}/lfs/spam.rules", "snorkeler apply: --stats '{t}/lfs/spam.rules' is the same file as the LF file '{t}/lfs/spam.rules' of --lfs '{t}/lfs'; an output must not overwrite an input" },
        { "apply: the statistics are a keyword list the LFs read", "apply --lfs {t}/lfs --data {t}/d.csv --out {t}/new.snkm --stats {t}/lfs/words.txt", "snorkeler apply: --stats '{t}/lfs/words.txt' is the same file as the file read by the LFs of --lfs '{t}/lfs/words.txt'; an output must not overwrite an input" },
        { "label: the labels are the data", "label --lfs {t}/lfs --data {t}/d.csv --out {t}/d.csv", "snorkeler label: --out '{t}/d.csv' is the same file as --data '{t}/d.csv'; an output must not overwrite an input" },
        { "label: the labels and the report on one path", "label --lfs {t}/lfs --data {t}/d.csv --out {t}/x.csv --report {t}/x.csv", "snorkeler label: --out '{t}/x.csv' and --report '{t}/x.csv' are the same file; give each output its own path" },
        { "label: the matrix on the labels' manifest", "label --lfs {t}/lfs --data {t}/d.csv --out {t}/x.csv --matrix-out {t}/x.csv.manifest.json.npy --report {t}/x.csv.manifest.json", "snorkeler label: the file written beside it '{t}/x.csv.manifest.json' of --out '{t}/x.csv' and --report '{t}/x.csv.manifest.json' are the same file; give each output its own path" },
        { "fit: the model is the matrix", "fit --matrix {t}/m.csv --model mv --out {t}/m.csv", "snorkeler fit: --out '{t}/m.csv' is the same file as --matrix '{t}/m.csv'; an output must not overwrite an input" },
        { "fit: the model is the matrix's sidecar", "fit --matrix {t}/m.csv --model mv --out {t}/m.csv.schema.json", "snorkeler fit: --out '{t}/m.csv.schema.json' is the same file as the schema sidecar '{t}/m.csv.schema.json' of --matrix '{t}/m.csv'; an output must not overwrite an input" },
        { "fit: the model is a Wrench split's label.json", "fit --matrix {t}/wrench/train.json --model mv --out {t}/wrench/label.json", "snorkeler fit: --out '{t}/wrench/label.json' is the same file as the label.json '{t}/wrench/label.json' of --matrix '{t}/wrench/train.json'; an output must not overwrite an input" },
        { "fit: the model is the statistics", "fit --stats {t}/stats.json --model mv --out {t}/stats.json", "snorkeler fit: --out '{t}/stats.json' is the same file as --stats '{t}/stats.json'; an output must not overwrite an input" },
        { "fit: one statistics file twice", "fit --stats {t}/stats.json {t}/./stats.json --model mv --out {t}/new.json", "snorkeler fit: --stats names one file twice ('{t}/stats.json' and '{t}/./stats.json'); give each file once" },
        { "predict: the labels are the matrix", "predict --model {t}/model.json --matrix {t}/m.csv --out {t}/m.csv", "snorkeler predict: --out '{t}/m.csv' is the same file as --matrix '{t}/m.csv'; an output must not overwrite an input" },
        { "predict: the labels are the model", "predict --model {t}/model.json --matrix {t}/m.csv --out {t}/model.json", "snorkeler predict: --out '{t}/model.json' is the same file as --model '{t}/model.json'; an output must not overwrite an input" },
        { "preferences: the scores are the judgements", "preferences --pairs {t}/pairs.csv --out {t}/pairs.csv", "snorkeler preferences: --out '{t}/pairs.csv' is the same file as --pairs '{t}/pairs.csv'; an output must not overwrite an input" },
        { "preferences: the annotators on the judgements through a link", "preferences --pairs {t}/pairs.csv --out {t}/s.csv --annotators-out {t}/lfs/../pairs.csv", "snorkeler preferences: --annotators-out '{t}/lfs/../pairs.csv' is the same file as --pairs '{t}/pairs.csv'; an output must not overwrite an input" },
        { "preferences: the scores and the pair probabilities on one path", "preferences --pairs {t}/pairs.csv --out {t}/s.csv --pair-probabilities {t}/./s.csv", "snorkeler preferences: --out '{t}/s.csv' and --pair-probabilities '{t}/./s.csv' are the same file; give each output its own path" },
        { "fit: the model is a NumPy matrix's gold labels", "fit --matrix {t}/g.npy --model mv --out {t}/g.gold.npy", "snorkeler fit: --out '{t}/g.gold.npy' is the same file as the gold labels '{t}/g.gold.npy' of --matrix '{t}/g.npy'; an output must not overwrite an input" },
        { "apply: the statistics on a NumPy matrix's gold labels", "apply --lfs {t}/lfs --data {t}/labelled.csv --gold-column label --out {t}/n.npy --stats {t}/n.gold.npy", "snorkeler apply: the file written beside it '{t}/n.gold.npy' of --out '{t}/n.npy' and --stats '{t}/n.gold.npy' are the same file; give each output its own path" },
        { "label: the matrix's gold labels on the report", "label --lfs {t}/lfs --data {t}/labelled.csv --out {t}/x.csv --matrix-out {t}/y.npy --report {t}/y.gold.npy", "snorkeler label: the file written beside it '{t}/y.gold.npy' of --matrix-out '{t}/y.npy' and --report '{t}/y.gold.npy' are the same file; give each output its own path" },
        { "studio: the hand labels are the data", "studio --lfs {t}/lfs --data {t}/d.csv --labels {t}/hard.csv", "snorkeler studio: --labels '{t}/hard.csv' is the same file as --data '{t}/d.csv'; an output must not overwrite an input" },
        { "studio: the hand labels are an LF file", "studio --lfs {t}/lfs --data {t}/d.csv --labels {t}/lfs/spam.rules", "snorkeler studio: --labels '{t}/lfs/spam.rules' is the same file as the LF file '{t}/lfs/spam.rules' of --lfs '{t}/lfs'; an output must not overwrite an input" },
        { "analyze: the report is the matrix", "analyze --matrix {t}/m.csv --report {t}/m.csv", "snorkeler analyze: --report '{t}/m.csv' is the same file as --matrix '{t}/m.csv'; an output must not overwrite an input" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void An_output_that_is_an_input_or_another_output_is_refused_with_exit_2_before_anything_is_written(string @case, string args, string message)
    {
        // Given
        string Fill(string s) => s.Replace("{t}", _temp.Path, StringComparison.Ordinal);
        var before = Snapshot();

        // When
        var result = Shell.Run(Fill(args).Split(' '));

        // Then: exit 2, both options named, and every file as it was (no input overwritten, no output written)
        result.ShouldFailWith(2, Fill(message), @case);
        Snapshot().ShouldBe(before, @case);
    }

    [Fact]
    public void An_output_beside_its_inputs_in_the_same_folder_is_written()
    {
        var result = Shell.Run("apply", "--lfs", _temp.File("lfs"), "--data", _temp.File("d.csv"), "--out", _temp.File("lfs/m.csv"), "--stats", _temp.File("lfs/stats.json"));

        result.ShouldSucceed();
        File.Exists(_temp.File("lfs/m.csv.schema.json")).ShouldBeTrue();
    }

    /// <summary>Every file under the folder with its content.</summary>
    private Dictionary<string, string> Snapshot()
        => Directory.GetFiles(_temp.Path, "*", SearchOption.AllDirectories)
            .ToDictionary(f => f, f => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f))));

    private static void Run(string program, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(program, args) { UseShellExecute = false })!;
        process.WaitForExit();
        process.ExitCode.ShouldBe(0);
    }
}

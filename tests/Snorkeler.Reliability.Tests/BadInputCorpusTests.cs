using Snorkeler.Reliability.Tests.Support;

namespace Snorkeler.Reliability.Tests;

/// <summary>
/// The bad-input corpus (Corpus/), end to end through the CLI: each case exits with its code and says
/// what is wrong in one line naming the file (and the line or field where it applies), without a stack trace.
/// In arguments and messages, {c} stands for the corpus folder and {o} for a fresh output folder.
/// </summary>
public sealed class BadInputCorpusTests
{
    public static TheoryData<string, string, int, string> Cases => new()
    {
        // case, arguments, exit code, the first line of stderr
        { "empty file", "apply --lfs {c}/lfs/ok --data {c}/data/empty.csv --out {o}/m.snkm", 1, "error: {c}/data/empty.csv: the file is empty (expected a header row naming the columns)" },
        { "header only", "apply --lfs {c}/lfs/ok --data {c}/data/header-only.csv --out {o}/m.snkm", 1, "error: {c}/data/header-only.csv: the data has no rows to label" },
        { "unclosed quote", "apply --lfs {c}/lfs/ok --data {c}/data/unclosed-quote.csv --out {o}/m.snkm", 1, "error: {c}/data/unclosed-quote.csv(3): malformed quoted field (an unclosed or stray quote)" },
        { "ragged rows", "apply --lfs {c}/lfs/ok --data {c}/data/ragged.csv --out {o}/m.snkm", 1, "error: {c}/data/ragged.csv(3): the row has 3 fields but the header has 2" },
        { "invalid UTF-8", "apply --lfs {c}/lfs/ok --data {c}/data/invalid-utf8.csv --out {o}/m.snkm", 1, "error: {c}/data/invalid-utf8.csv(4): invalid UTF-8 at byte 31 (save the file as UTF-8)" },
        { "a column the LFs need is missing", "apply --lfs {c}/lfs/ok --data {c}/data/missing-column.csv --out {o}/m.snkm", 1, "{c}/lfs/ok/spam.rules(4,10): error SNK0103: unknown field 'text' (used 2 times): {c}/data/missing-column.csv has no such column; map a column to it with --column text=COLUMN (columns: body, stars)" },
        { "an alias to a column that is missing", "apply --lfs {c}/lfs/ok --data {c}/data/missing-column.csv --column text=CONTENT --out {o}/m.snkm", 1, "error: {c}/data/missing-column.csv: no column 'CONTENT' to read as 'text' (columns: body, stars)" },
        { "check: a column the LFs need is missing", "check {c}/lfs/ok --data {c}/data/missing-column.csv", 1, "{c}/lfs/ok/spam.rules(4,10): error SNK0103: unknown field 'text' (used 2 times): {c}/data/missing-column.csv has no such column; map a column to it with --column text=COLUMN (columns: body, stars)" },
        { "Wrench: inconsistent LF counts", "analyze --matrix {c}/wrench/ragged/train.json", 1, "error: {c}/wrench/ragged/train.json(2): row \"1\" has 1 weak labels but the first row (line 1) has 2" },
        { "Wrench: weak label out of range", "fit --matrix {c}/wrench/out-of-range/train.json --model mv --out {o}/mv.json", 1, "error: {c}/wrench/out-of-range/train.json(2): row \"1\": weak label 1 is 2, expected -1 or a class 0..1" },
        { "Wrench: gold label out of range", "analyze --matrix {c}/wrench/bad-gold/train.json", 1, "error: {c}/wrench/bad-gold/train.json(2): row \"1\": label 7 is not a class 0..1" },
        { "Wrench: no label.json", "analyze --matrix {c}/wrench/no-label-json/train.json", 1, "error: {c}/wrench/no-label-json/train.json: no label.json beside it ({c}/wrench/no-label-json/label.json); Wrench data sets name their classes there" },
        { "Wrench: no label.json, as data", "apply --lfs {c}/lfs/ok --data {c}/wrench/no-label-json/train.json --out {o}/m.snkm", 1, "error: {c}/wrench/no-label-json/train.json: no label.json beside it ({c}/wrench/no-label-json/label.json); Wrench data sets name their classes there" },
        { "Wrench: UTF-16", "analyze --matrix {c}/wrench/utf16/train.json", 1, "error: {c}/wrench/utf16/train.json: the file is UTF-16; save it as UTF-8" },
        { "Wrench: invalid UTF-8 in a text, as data", "apply --lfs {c}/lfs/ok --data {c}/wrench/invalid-utf8/train.json --out {o}/m.snkm", 1, "error: {c}/wrench/invalid-utf8/train.json(2): invalid UTF-8 at byte 95 (save the file as UTF-8)" },
        { "Wrench: invalid UTF-8 in a text, as a matrix", "analyze --matrix {c}/wrench/invalid-utf8/train.json", 1, "error: {c}/wrench/invalid-utf8/train.json(2): invalid UTF-8 at byte 95 (save the file as UTF-8)" },
        { "Wrench: a message quoting input stays on one line", "analyze --matrix {c}/wrench/broken-literal/train.json", 1, "error: {c}/wrench/broken-literal/train.json(1): invalid JSON: 't\\n' is an invalid JSON literal. Expected the literal 'true'" },
        { "Wrench: truncated", "analyze --matrix {c}/wrench/truncated/train.json", 1, "error: {c}/wrench/truncated/train.json(2): unexpected end of file (truncated JSON?)" },
        { "matrix: votes that are not numbers", "analyze --matrix {c}/matrices/not-numbers.csv", 1, "error: {c}/matrices/not-numbers.csv(3): column 'keyword_subscribe': 'x' is not a label (-1 or a class number); if the file holds people's answers, one per line, name its columns task, worker and label, or give --task-column, --worker-column and --label-column" },
        { "matrix: votes out of range", "fit --matrix {c}/matrices/out-of-range.csv --model mv --out {o}/mv.json", 1, "error: {c}/matrices/out-of-range.csv(3): column 'keyword_song': a label of 7 is out of range for classes HAM=0, SPAM=1" },
        { "LF folder with no LFs", "apply --lfs {c}/lfs/no-lfs --data {c}/data/good.csv --out {o}/m.snkm", 1, "error SNK0902: no labelling-function files (*.rules, *.csx) under '{c}/lfs/no-lfs'" },
        { "conflicting label declarations", "apply --lfs {c}/lfs/conflicting-labels --data {c}/data/good.csv --out {o}/m.snkm", 1, "{c}/lfs/conflicting-labels/b.rules(1,1): error SNK0009: labels SPAM, HAM differ from labels HAM, SPAM declared at {c}/lfs/conflicting-labels/a.rules(1,1); all rule files share one set of classes" },
        { "LF names colliding across files", "apply --lfs {c}/lfs/colliding-names --data {c}/data/good.csv --out {o}/m.snkm", 1, "{c}/lfs/colliding-names/b.rules(3,4): error SNK0101: LF 'shared' is already defined at {c}/lfs/colliding-names/a.rules(3,4)" },
        { "an LF path that does not exist", "apply --lfs {c}/lfs/nowhere --data {c}/data/good.csv --out {o}/m.snkm", 1, "error SNK0901: no such file or folder: '{c}/lfs/nowhere'" },
        { "a number option that is not a number", "apply --lfs {c}/lfs/ok --data {c}/data/good.csv --out {o}/m.snkm --threads two", 2, "snorkeler apply: option '--threads' expects a whole number from 1 to 1024, got 'two'" },
        { "a negative time budget", "label --lfs {c}/lfs/ok --data {c}/data/good.csv --out {o}/labels.csv --lf-timeout -1", 2, "snorkeler label: option '--lf-timeout' expects a whole number from 0 to 86400, got '-1'" },
        { "a prior that is not numbers", "fit --matrix {c}/matrices/good.csv --model mv --out {o}/mv.json --prior 0.5,half", 2, "snorkeler fit: --prior expects numbers separated by commas (e.g. 0.6,0.4), got '0.5,half'" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_bad_input_exits_with_its_code_and_a_one_line_message_naming_the_file(string @case, string args, int exitCode, string message)
    {
        // Given
        using var output = new TempFolder();
        string Fill(string s) => s.Replace("{c}", Corpus.Root, StringComparison.Ordinal).Replace("{o}", output.Path, StringComparison.Ordinal);

        // When
        var result = Shell.Run(Fill(args).Split(' '));

        // Then
        result.ShouldFailWith(exitCode);
        result.ErrorLines[0].ShouldBe(Fill(message), @case);
        Directory.GetFiles(output.Path).ShouldBeEmpty(@case);
    }
}

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Snorkeler.Cli.Tests.Support;

namespace Snorkeler.Cli.Tests;

/// <summary>
/// The data files the CLI reads, changed in one place at a time (see <see cref="DataMutator"/>), through the commands
/// that read them: every run ends in exit 0 or 1 within a bound, without a stack trace; a failure is one line naming the
/// damaged file and, where it names a line, a line at or after the change and inside the file; a failed run leaves no
/// output file, whole or partial. A bigger run: SNORKELER_FUZZ_MUTANTS=5000 (and SNORKELER_FUZZ_SEED) with
/// <c>--filter DataMutationFuzzTests</c>; SNORKELER_FUZZ_REPORT=FILE appends every problem to FILE.
/// </summary>
public sealed partial class DataMutationFuzzTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>A file to damage, the files beside it, and the commands that read it ({d}: its folder, {o}: the outputs' folder, {lfs}, {tlfs}: the spam and ticket rules).</summary>
    internal sealed record Target(string File, string[] Beside, string[] Commands, bool Lines = true);

    internal static readonly Target[] Targets =
    [
        new("yt.csv", [], ["apply --lfs {lfs} --data {d}/yt.csv --column text=CONTENT --out {o}/m.snkm", "label --lfs {lfs} --data {d}/yt.csv --column text=CONTENT --model mv --out {o}/labels.csv"]),
        new("labelled.csv", [], ["apply --lfs {tlfs} --data {d}/labelled.csv --gold-column category --out {o}/m.snkm", "rows --lfs {tlfs} --data {d}/labelled.csv --gold-column category --limit 2"]),
        new("yt.jsonl", [], ["apply --lfs {lfs} --data {d}/yt.jsonl --out {o}/m.csv"]),
        new("valid.json", ["label.json"], ["apply --lfs {lfs} --data {d}/valid.json --out {o}/m.snkm", "fit --matrix {d}/valid.json --model snorkel --out {o}/model.json", "analyze --matrix {d}/valid.json"]),
        new("label.json", ["valid.json"], ["analyze --matrix {d}/valid.json"]),
        new("answers.csv", ["label.json", "gold.csv"], ["fit --matrix {d}/answers.csv --model dawid-skene --out {o}/model.json", "analyze --matrix {d}/answers.csv --gold {d}/gold.csv"]),
        new("gold.csv", ["answers.csv", "label.json"], ["analyze --matrix {d}/answers.csv --gold {d}/gold.csv"]),
        new("judgements.csv", [], ["preferences --pairs {d}/judgements.csv --out {o}/scores.csv --pair-probabilities {o}/pairs.csv"]),
        new("m.csv", ["m.csv.schema.json"], ["fit --matrix {d}/m.csv --model snorkel --out {o}/model.json", "compare --train {d}/m.csv --test {d}/m.csv --models mv,snorkel"]),
        new("m.csv.schema.json", ["m.csv"], ["analyze --matrix {d}/m.csv"]),
        new("m.snkm", ["model.json"], ["analyze --matrix {d}/m.snkm", "predict --model {d}/model.json --matrix {d}/m.snkm --out {o}/p.csv"], Lines: false),
        new("model.json", ["m.snkm"], ["predict --model {d}/model.json --matrix {d}/m.snkm --out {o}/p.csv"]),
        new("stats.json", [], ["fit --stats {d}/stats.json --model snorkel --out {o}/model.json"]),
    ];

    [Fact]
    public void Three_hundred_mutants_of_the_data_files_end_in_one_line_errors_at_the_change()
    {
        var (count, seed) = Scale(300, 3802);
        var inputs = Inputs(_temp.File("inputs"));
        var problems = new List<string>();
        foreach (var target in Targets)
        {
            var mutator = new DataMutator(File.ReadAllBytes(Path.Combine(inputs, target.File)));
            foreach (var mutant in mutator.Random(seed, Math.Max(1, count / Targets.Length)).Prepend(DataMutant.Of(DataMutant.Sound, mutator.Source, mutator.Source)))
                problems.AddRange(Problems(inputs, target, mutant));
        }
        Report(problems);
    }

    /// <summary>How many mutants and which seed: the defaults, or SNORKELER_FUZZ_MUTANTS and SNORKELER_FUZZ_SEED for a run by hand.</summary>
    internal static (int Count, int Seed) Scale(int count, int seed)
    {
        static int Env(string name, int otherwise) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? int.Parse(v, CultureInfo.InvariantCulture) : otherwise;
        return (Env("SNORKELER_FUZZ_MUTANTS", count), Env("SNORKELER_FUZZ_SEED", seed));
    }

    internal static void Report(List<string> problems)
    {
        if (problems.Count == 0) return;
        if (Environment.GetEnvironmentVariable("SNORKELER_FUZZ_REPORT") is { Length: > 0 } file) File.AppendAllLines(file, problems.Select(p => p.ReplaceLineEndings("⏎")));
        Assert.Fail($"{problems.Count} problems; the first:\n" + string.Join("\n", problems.Take(25)));
    }

    /// <summary>The valid inputs, trimmed from the shipped examples and the shared data sets, and the files Snorkeler writes from them.</summary>
    internal static string Inputs(string folder)
    {
        Directory.CreateDirectory(folder);
        string In(string name) => Path.Combine(folder, name);
        var lfs = Directory.CreateDirectory(In("lfs")).FullName;
        foreach (var f in new[] { "spam.rules", "please_words.txt" }) File.Copy(TestPaths.InRepo("labeling-functions", "spam", f), Path.Combine(lfs, f));
        var tlfs = Directory.CreateDirectory(In("tlfs")).FullName;
        File.Copy(TestPaths.InRepo("labeling-functions", "tickets", "tickets.rules"), Path.Combine(tlfs, "tickets.rules"));
        File.WriteAllLines(In("yt.csv"), File.ReadLines(TestPaths.InRepo("examples", "spam", "data", "youtube", "Youtube01-Psy.csv")).Take(25));
        File.WriteAllLines(In("labelled.csv"), File.ReadLines(TestPaths.InRepo("examples", "tickets", "labelled.csv")).Take(20));
        File.Copy(TestPaths.InRepo("examples", "preferences", "judgements.csv"), In("judgements.csv"));
        var crowd = TestPaths.Crowd("rte", "");
        File.WriteAllLines(In("answers.csv"), File.ReadLines(Path.Combine(crowd, "answers.csv")).Take(120));
        File.WriteAllLines(In("gold.csv"), File.ReadLines(Path.Combine(crowd, "gold.csv")).Take(15));
        File.Copy(Path.Combine(crowd, "label.json"), In("label.json"));
        // A Wrench split of 12 rows, in the layout Wrench writes (four-space indents), with YouTube's label.json beside it.
        var split = JsonNode.Parse(File.ReadAllText(TestPaths.YouTubeFile("valid.json")))!.AsObject();
        var trimmed = new JsonObject();
        foreach (var (key, value) in split.Take(12)) trimmed[key] = value!.DeepClone();
        File.WriteAllText(In("valid.json"), trimmed.ToJsonString(new JsonSerializerOptions { WriteIndented = true, IndentSize = 4 }));
        File.Copy(TestPaths.YouTubeFile("label.json"), In("label.json"), overwrite: true);
        File.WriteAllLines(In("yt.jsonl"), trimmed.Select(kv => new JsonObject { ["text"] = kv.Value!["data"]!["text"]!.DeepClone(), ["label"] = kv.Value!["label"]!.DeepClone() }.ToJsonString()));
        Ok("apply", "--lfs", lfs, "--data", In("yt.csv"), "--column", "text=CONTENT", "--out", In("m.snkm"), "--stats", In("stats.json"));
        // with gold labels, which compare scores against
        Ok("apply", "--lfs", lfs, "--data", In("yt.csv"), "--column", "text=CONTENT", "--gold-column", "CLASS", "--out", In("m.csv"));
        Ok("fit", "--matrix", In("m.snkm"), "--model", "snorkel", "--out", In("model.json"));
        return folder;
    }

    private static void Ok(params string[] args) => Shell.Run(args).ShouldSucceed();

    /// <summary>What is wrong with running each of the target's commands on a mutant.</summary>
    internal static IEnumerable<string> Problems(string inputs, Target target, DataMutant mutant)
    {
        var work = Path.Combine(inputs, "work", Path.GetFileNameWithoutExtension(target.File) + "-" + Path.GetExtension(target.File).TrimStart('.'));
        var outputs = Path.Combine(work, "out");
        Directory.CreateDirectory(outputs);
        foreach (var beside in target.Beside)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(work, beside))!);
            File.Copy(Path.Combine(inputs, beside), Path.Combine(work, beside), overwrite: true);
        }
        var damaged = Path.Combine(work, target.File);
        Directory.CreateDirectory(Path.GetDirectoryName(damaged)!);
        File.WriteAllBytes(damaged, mutant.Bytes);
        var problems = new List<string>();
        foreach (var command in target.Commands)
        {
            foreach (var f in Directory.EnumerateFiles(outputs)) File.Delete(f);
            var args = command.Replace("{d}", work, StringComparison.Ordinal).Replace("{o}", outputs, StringComparison.Ordinal)
                .Replace("{lfs}", Path.Combine(inputs, "lfs"), StringComparison.Ordinal).Replace("{tlfs}", Path.Combine(inputs, "tlfs"), StringComparison.Ordinal)
                .Split(' ');
            var verb = args[0];
            foreach (var p in Check(target, mutant, args, outputs)) problems.Add($"{target.File} {verb}: {p}: {mutant.Describe()}");
        }
        return problems;
    }

    private static IEnumerable<string> Check(Target target, DataMutant mutant, string[] args, string outputs)
    {
        using var cancel = new CancellationTokenSource();
        var run = OwnThread.Run(() => Shell.Run(cancel.Token, args));
        if (!run.Wait(Patience))
        {
            cancel.Cancel();
            run.Wait(Patience);
            yield return "hangs";
            yield break;
        }
        var result = run.Result;
        // the fuzz means something only if the file it damages is read when sound
        if (mutant.Kind == DataMutant.Sound && result.ExitCode != 0) { yield return $"the sound file fails, exit {result.ExitCode} «{Flat(result.Error)}»"; yield break; }
        if (result.ExitCode is not (0 or 1)) { yield return $"exit {result.ExitCode} «{Flat(result.Error)}»"; yield break; }
        if (result.Error.Contains("   at ", StringComparison.Ordinal) || result.Error.Contains("Exception", StringComparison.Ordinal))
            yield return $"shows .NET «{Flat(result.Error)}»";
        var written = Directory.EnumerateFiles(outputs).Select(Path.GetFileName).ToList();
        if (result.ExitCode == 0)
        {
            if (written.Any(f => f!.StartsWith('.') || f!.Contains(".tmp", StringComparison.Ordinal))) yield return $"leaves {string.Join(", ", written)}";
            yield break;
        }
        if (written.Count > 0) yield return $"failed but wrote {string.Join(", ", written)}";
        var name = Regex.Escape(target.File);
        // A data file without a column the rules read fails as docs/cli.md says: the rules' diagnostics, each naming the
        // data file, and a count.
        var diagnostics = result.ErrorLines.Where(l => RuleDiagnostic().IsMatch(l)).ToList();
        if (diagnostics.Count > 0)
        {
            if (!diagnostics.All(d => Regex.IsMatch(d, $@"(?<![\w.-]){name}\b"))) yield return $"a diagnostic names another file «{Flat(result.Error)}»";
            yield break;
        }
        var (error, problem) = OneErrorNaming(result.ErrorLines, target.File);
        if (problem is not null) { yield return problem; yield break; }
        if (!target.Lines) yield break;
        var at = Regex.Match(error, $@"(?<![\w.-]){name}\((\d+)\)");
        if (!at.Success) yield break;
        var line = int.Parse(at.Groups[1].Value, CultureInfo.InvariantCulture);
        if (line > mutant.Lines) yield return $"line {line} past the last ({mutant.Lines}) «{error}»";
        // A row that lacks a member ("row \"3\" has no \"weak_labels\" array") has no line of its own to name but its first.
        else if (line < mutant.FirstLine && !error.Contains("\" has no \"", StringComparison.Ordinal) && !OnlyBlanksBetween(mutant, line))
            yield return $"line {line} before the change «{error}»";
    }

    /// <summary>The one error line among <paramref name="errorLines"/>, or what is wrong: none or several, or one not naming <paramref name="file"/>.</summary>
    internal static (string Error, string? Problem) OneErrorNaming(IReadOnlyList<string> errorLines, string file)
    {
        var errors = errorLines.Where(l => l.StartsWith("error", StringComparison.Ordinal) || l.StartsWith("snorkeler", StringComparison.Ordinal)).ToList();
        if (errors.Count != 1) return ("", $"{errors.Count} error lines «{Flat(string.Join("\n", errorLines))}»");
        return Regex.IsMatch(errors[0], $@"(?<![\w.-]){Regex.Escape(file)}\b") ? (errors[0], null) : (errors[0], $"names another file «{errors[0]}»");
    }

    [GeneratedRegex(@"^\S.*\(\d+,\d+\): error SNK\d{4}: ")]
    private static partial Regex RuleDiagnostic();

    /// <summary>Whether only blanks stand between the end of line <paramref name="line"/> and the change (a file cut short after blanks ends on the line before them).</summary>
    private static bool OnlyBlanksBetween(DataMutant mutant, int line)
    {
        var at = 0;
        for (var seen = 1; seen <= line && at < mutant.Bytes.Length; at++)
            if (mutant.Bytes[at] == '\n') seen++;
        return mutant.Bytes.AsSpan(Math.Min(at, mutant.Start), Math.Max(0, mutant.Start - at)).IndexOfAnyExcept(" \t\r\n"u8) < 0;
    }

    private static string Flat(string text) => text.Trim().ReplaceLineEndings("⏎");
}

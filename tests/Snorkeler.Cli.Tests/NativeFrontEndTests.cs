using System.Diagnostics;

namespace Snorkeler.Cli.Tests;

/// <summary>
/// The native front end (src/Snorkeler.Native, Native AOT) against the managed CLI published beside it: the same
/// outputs, messages and exit codes, and the invocations it cannot run handed over. The pair is published once per
/// test run into this project's obj folder (an unchanged publish is incremental).
/// </summary>
public sealed class NativeFrontEndTests(NativeFrontEndTests.Published published) : IClassFixture<NativeFrontEndTests.Published>
{
    private static readonly string SpamRules = TestPaths.InRepo("labeling-functions", "spam", "spam.rules");

    [Fact]
    public void Apply_writes_the_managed_clis_matrix_byte_for_byte_on_the_spam_rules_with_and_without_gold()
    {
        using var temp = new TempFolder();
        var data = TestPaths.YouTubeRawCsvs.Take(2).ToArray();
        foreach (var (format, gold) in new[] { (".snkm", false), (".snkm", true), (".csv", true), (".npy", false) })
        {
            string[] Args(string outPath) =>
                ["apply", "--lfs", SpamRules, "--data", .. data, "--column", "text=CONTENT", "--out", outPath, "--quiet", .. gold ? new[] { "--gold-column", "CLASS" } : []];
            var (native, managed) = BothWrite(temp, $"m{format}", Args);
            native.Code.ShouldBe(0, native.Error);
            native.ShouldBe(managed);
        }
    }

    [Fact]
    public void Fit_and_predict_write_the_managed_clis_model_and_probabilities()
    {
        using var temp = new TempFolder();
        var matrix = temp.File("m.snkm");
        Run(published.Native, "apply", "--lfs", SpamRules, "--data", TestPaths.YouTubeRawCsvs[0], "--column", "text=CONTENT", "--out", matrix, "--quiet")
            .Code.ShouldBe(0);
        var model = BothWrite(temp, "model.json", o => ["fit", "--matrix", matrix, "--model", "snorkel", "--out", o, "--seed", "1", "--quiet"]);
        model.Native.Code.ShouldBe(0, model.Native.Error);
        (model.Native with { Written = [] }).ShouldBe(model.Managed with { Written = [] });
        // A model file holds no wall time, so the two are the same bytes.
        File.ReadAllBytes(temp.File("native-model.json")).ShouldBe(File.ReadAllBytes(temp.File("managed-model.json")));
        var probabilities = BothWrite(temp, "p.csv", o => ["predict", "--model", temp.File(o.Contains("native-", StringComparison.Ordinal) ? "native-model.json" : "managed-model.json"), "--matrix", matrix, "--out", o, "--quiet"]);
        probabilities.Native.Code.ShouldBe(0, probabilities.Native.Error);
        probabilities.Native.ShouldBe(probabilities.Managed);
    }

    [Fact]
    public void A_bad_rules_file_gets_the_managed_clis_diagnostics_and_exit_code()
    {
        using var temp = new TempFolder();
        var rules = temp.Write("bad.rules", "labels HAM, SPAM\nlf a:\n    when text contans \"x\" label SPAM\nlf b:\n    when text contains \"y\" label SPAMM\n");
        string[] args = ["apply", "--lfs", rules, "--data", TestPaths.YouTubeRawCsvs[0], "--out", temp.File("m.snkm")];
        var native = Run(published.Native, args);
        native.Code.ShouldBe(1);
        native.Error.ShouldContain($"{rules}(5,34): error SNK0007: unknown label 'SPAMM'");
        native.ShouldBe(Run(published.Managed, args));
        File.Exists(temp.File("m.snkm")).ShouldBeFalse();
    }

    [Fact]
    public void Bad_data_and_bad_options_get_the_managed_clis_message_and_exit_code()
    {
        using var temp = new TempFolder();
        var csv = temp.Write("bad.csv", "id,text\n1,\"fine\"\n2,\"never closed\n3,more\n");
        foreach (var args in new[]
                 {
                     new[] { "apply", "--lfs", SpamRules, "--data", csv, "--out", temp.File("m.snkm") },
                     ["apply", "--lfs", SpamRules, "--data", TestPaths.YouTubeRawCsvs[0], "--column", "text=BODY", "--out", temp.File("m.snkm")],
                     ["apply", "--lfs", SpamRules, "--data", csv, "--out", temp.File("m.snkm"), "--thread", "2"],
                 })
        {
            var native = Run(published.Native, args);
            native.Code.ShouldBeOneOf(1, 2);
            native.Error.ShouldNotContain("   at ");
            native.ShouldBe(Run(published.Managed, args));
        }
    }

    [Fact]
    public void An_lf_folder_with_a_csx_script_is_handed_to_the_managed_cli_with_its_result_and_exit_code()
    {
        using var temp = new TempFolder();
        var folder = TestPaths.InRepo("labeling-functions", "spam");
        var cache = temp.File("cache");
        var run = BothWrite(temp, "m.csv", o => ["apply", "--lfs", folder, "--data", TestPaths.YouTubeRawCsvs[0], "--column", "text=CONTENT", "--out", o, "--quiet", "--cache-dir", cache]);
        run.Native.Code.ShouldBe(0, run.Native.Error);
        run.Native.ShouldBe(run.Managed);
        File.ReadLines(temp.File("native-m.csv")).First().Split(',').Length.ShouldBeGreaterThan(7); // spam.rules has 7 LFs; nlp.csx adds its own

        var broken = temp.Write("lfs/broken.csx", "LF(\"x\", row => );\n");
        File.Copy(SpamRules, temp.File("lfs/spam.rules"));
        File.Copy(Path.Combine(folder, "please_words.txt"), temp.File("lfs/please_words.txt"));
        var failed = Run(published.Native, "check", temp.File("lfs"), "--cache-dir", cache);
        failed.Code.ShouldBe(1);
        failed.Error.ShouldContain($"{broken}(1,");
        failed.ShouldBe(Run(published.Managed, "check", temp.File("lfs"), "--cache-dir", cache));

        var studio = Run(published.Native, "studio", "--lfs", folder, "--port", "x");
        studio.Code.ShouldBe(2);
        studio.ShouldBe(Run(published.Managed, "studio", "--lfs", folder, "--port", "x"));
    }

    [Fact]
    public void A_script_named_after_an_equals_sign_is_handed_to_the_managed_cli()
    {
        // The native build decides without parsing the options when no argument names a script, a Parquet file or a
        // folder; a value written as --lfs=FILE must still be seen.
        using var temp = new TempFolder();
        var script = temp.Write("broken.csx", "LF(\"x\", row => );\n");
        var native = Run(published.Native, "check", $"--lfs={script}");
        native.Code.ShouldBe(1);
        native.Error.ShouldContain($"{script}(1,");
        native.ShouldBe(Run(published.Managed, "check", $"--lfs={script}"));
    }

    [Fact]
    public void Publishing_the_native_front_end_leaves_the_managed_clis_own_build_as_it_was()
    {
        // The managed CLI published beside the native one was built into src/Snorkeler.Cli's bin, replacing a Release
        // build's ReadyToRun images with plain IL (every later run of that build JIT-compiled again).
        published.CliBuildBefore.ShouldNotBeEmpty("the solution is built before its tests run");
        Published.CliBuild().ShouldBe(published.CliBuildBefore);
    }

    /// <summary>Runs the same command with both executables, each writing <c>native-NAME</c> or <c>managed-NAME</c>; the runs' results carry the written bytes.</summary>
    private (Result Native, Result Managed) BothWrite(TempFolder temp, string name, Func<string, string[]> args)
    {
        Result One(string exe, string prefix)
        {
            var outPath = temp.File($"{prefix}-{name}");
            var result = Run(exe, args(outPath));
            // The messages name the output file; the two runs differ only in that name.
            return result with
            {
                Out = result.Out.Replace(outPath, name, StringComparison.Ordinal),
                Error = result.Error.Replace(outPath, name, StringComparison.Ordinal),
                Written = Directory.GetFiles(temp.Path, $"{prefix}-{name}*").Order(StringComparer.Ordinal)
                    .Select(f => Path.GetFileName(f)[(prefix.Length + 1)..] + ":" + Convert.ToHexString(File.ReadAllBytes(f))).ToArray(),
            };
        }
        return (One(published.Native, "native"), One(published.Managed, "managed"));
    }

    private static Result Run(string exe, params string[] args)
    {
        var info = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["CI"] = "1";
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return new Result(process.ExitCode, stdout, stderr.Result, []);
    }

    /// <summary>One run: exit code, standard streams, and (for <see cref="BothWrite"/>) the files it wrote, as name:hex.</summary>
    public sealed record Result(int Code, string Out, string Error, string[] Written)
    {
        public bool Equals(Result? other)
            => other is not null && Code == other.Code && Out == other.Out && Error == other.Error && Written.SequenceEqual(other.Written);

        public override int GetHashCode() => HashCode.Combine(Code, Out, Error, Written.Length);
    }

    /// <summary>The native front end and the managed CLI, published as docs/cli.md says (the managed CLI without ReadyToRun, which only saves start-up time).</summary>
    public sealed class Published
    {
        public Published()
        {
            CliBuildBefore = CliBuild();
            var folder = TestPaths.InRepo("tests", "Snorkeler.Cli.Tests", "obj", "native-front-end");
            var publish = Run("dotnet", "publish", TestPaths.InRepo("src", "Snorkeler.Native"), "-c", "Release", "-o", folder, "-p:SnorkelerReadyToRun=false", "-nologo");
            publish.Code.ShouldBe(0, $"dotnet publish src/Snorkeler.Native failed:\n{publish.Out}\n{publish.Error}");
            Native = Path.Combine(folder, "snorkeler");
            Managed = Path.Combine(folder, "managed", "snorkeler");
        }

        public string Native { get; }

        /// <summary>The managed CLI's Release build output before the publish: each assembly's name, size and write time.</summary>
        public string[] CliBuildBefore { get; }

        public static string[] CliBuild()
        {
            var bin = TestPaths.InRepo("src", "Snorkeler.Cli", "bin", "Release", "net10.0");
            return Directory.Exists(bin)
                ? Directory.GetFiles(bin, "*.dll").Order(StringComparer.Ordinal)
                    .Select(f => $"{Path.GetFileName(f)} {new FileInfo(f).Length} {File.GetLastWriteTimeUtc(f):O}").ToArray()
                : [];
        }

        public string Managed { get; }
    }
}

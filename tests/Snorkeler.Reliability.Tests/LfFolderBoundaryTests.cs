using Snorkeler.Reliability.Tests.Support;

namespace Snorkeler.Reliability.Tests;

/// <summary>
/// The LF folder is a boundary for every file the rules read: <c>lines()</c> resolves every component of its
/// path (links to files and to folders), reads only regular files inside the folder, and refuses files over its
/// size cap, naming the limit. Pipes and devices never block or flood a run.
/// </summary>
public sealed class LfFolderBoundaryTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public LfFolderBoundaryTests() => _temp.Write("data.csv", "text\nplease subscribe\nnice song\n");

    public void Dispose() => _temp.Dispose();

    private string Rules(string keywordPath)
        => _temp.Write("lfs/spam.rules", $"labels HAM, SPAM\n\nlet words = lines(\"{keywordPath}\")\n\nlf keyword_any:\n    when text contains any words label SPAM\n");

    public static TheoryData<string, string, string> Escapes => new()
    {
        // case, link inside the LF folder (name -> target), the path lines() is given
        { "a folder link to /etc", "etc -> /etc", "etc/passwd" },
        { "a folder link to /dev", "dev -> /dev", "dev/zero" },
        { "a file link to a device", "zero -> /dev/zero", "zero" },
        { "a file link to a file outside", "secret.txt -> {t}/outside.txt", "secret.txt" },
        { "a link to a link outside", "a.txt -> {t}/lfs/b.txt; b.txt -> {t}/outside.txt", "a.txt" },
        { "a folder link, then ..", "up -> {t}/lfs/sub; sub -> {t}", "up/outside.txt" },
        { "a relative link upwards", "rel.txt -> ../outside.txt", "rel.txt" },
    };

    [Theory]
    [MemberData(nameof(Escapes))]
    public void Lines_never_reads_outside_the_lf_folder_whatever_links_lead_there(string @case, string links, string keywordPath)
    {
        // Given
        _temp.Write("outside.txt", "subscribe\n");
        var rules = Rules(keywordPath);
        foreach (var link in links.Split("; "))
        {
            var parts = link.Split(" -> ");
            File.CreateSymbolicLink(_temp.File("lfs/" + parts[0]), parts[1].Replace("{t}", _temp.Path, StringComparison.Ordinal));
        }

        // When
        var result = Run("check", _temp.File("lfs"));

        // Then
        result.ShouldFailWith(1, $"{rules}(3,19): error SNK0402: keyword file '{keywordPath}' is outside the labelling-function folder", @case);
    }

    [Fact]
    public void A_folder_link_to_dev_is_not_walked_so_no_lf_file_is_found_through_the_folders_the_process_has_open()
    {
        // Given: a rule file in a folder outside the LF folder that this process has open (an enumeration under way holds
        // its descriptor, so /dev/fd lists it, as it lists the folders other runs in the process have open), and a link
        // to /dev in the LF folder
        _temp.Write("elsewhere/other.rules", "labels HAM, SPAM\n");
        var rules = Rules("words.txt");
        File.CreateSymbolicLink(_temp.File("lfs/dev"), "/dev");
        using var open = Directory.EnumerateFiles(_temp.File("elsewhere")).GetEnumerator();
        open.MoveNext().ShouldBeTrue();

        // When
        var files = Snorkeler.Loading.LfProject.Files([_temp.File("lfs")], [".rules"]);

        // Then
        files.ShouldBe([rules]);
    }

    [Fact]
    public void An_lf_folder_kept_in_dev_shm_is_walked_into_its_subfolders()
    {
        // /dev/shm is a folder for files in memory (a CI runner's scratch space), not a view of devices
        if (!OperatingSystem.IsLinux() || !Directory.Exists("/dev/shm")) return;
        var folder = Path.Combine("/dev/shm", "snorkeler-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(Path.Combine(folder, "lfs", "more"));
            var rules = Path.Combine(folder, "lfs", "more", "spam.rules");
            File.WriteAllText(rules, "labels HAM, SPAM\n");

            var files = Snorkeler.Loading.LfProject.Files([Path.Combine(folder, "lfs")], [".rules"]);

            files.ShouldBe([rules]);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_link_inside_the_folder_to_a_file_inside_it_is_read()
    {
        _temp.Write("lfs/lists/words.txt", "subscribe\n");
        File.CreateSymbolicLink(_temp.File("lfs/words.txt"), _temp.File("lfs/lists/words.txt"));
        Rules("words.txt");

        var result = Run("apply", "--lfs", _temp.File("lfs"), "--data", _temp.File("data.csv"), "--out", _temp.File("m.csv"));

        result.ShouldSucceed();
        File.ReadAllText(_temp.File("m.csv")).ShouldBe("keyword_any\n1\n-1\n");
    }

    [Theory]
    [InlineData("check")]
    [InlineData("apply")]
    public void A_keyword_file_that_is_a_named_pipe_fails_at_once_instead_of_waiting_for_a_writer(string command)
    {
        Files.MakeFifo(_temp.File("lfs/words.txt"));
        var rules = Rules("words.txt");

        var result = command == "check"
            ? Run("check", _temp.File("lfs"))
            : Run("apply", "--lfs", _temp.File("lfs"), "--data", _temp.File("data.csv"), "--out", _temp.File("m.csv"));

        result.ShouldFailWith(1, $"{rules}(3,19): error SNK0403: cannot read keyword file 'words.txt': it is a named pipe, socket or device, not a regular file (save the content to a file first)");
    }

    [Fact]
    public void A_keyword_file_over_the_size_cap_is_refused_naming_the_limit_without_reading_it()
    {
        // Given: a sparse 1 GB file (no disk space used)
        var rules = Rules("words.txt");
        using (var huge = new FileStream(_temp.File("lfs/words.txt"), FileMode.CreateNew)) huge.SetLength(1L << 30);

        var result = Run("check", _temp.File("lfs"));

        result.ShouldFailWith(1, $"{rules}(3,19): error SNK0403: cannot read keyword file 'words.txt': it is larger than 67,108,864 bytes, the limit for a keyword list");
    }

    [Fact]
    public void An_lf_file_that_is_a_named_pipe_is_reported_instead_of_blocking()
    {
        _temp.Write("lfs/a.rules", "labels HAM, SPAM\n\nlf keyword_song:\n    when text contains \"song\" label HAM\n");
        Files.MakeFifo(_temp.File("lfs/b.rules"));

        var result = Run("check", _temp.File("lfs"));

        result.ShouldFailWith(1, $"error SNK0905: cannot read LF file {_temp.File("lfs/b.rules")}: is a named pipe, socket or device, not a regular file (save the content to a file first)");
    }

    [Theory]
    [InlineData("apply --lfs {c}/lfs/ok --data {t}/fifo.csv --out {t}/m.snkm")]
    [InlineData("check {c}/lfs/ok --data {t}/fifo.csv")]
    [InlineData("analyze --matrix {t}/fifo.csv")]
    [InlineData("predict --model {t}/fifo.json --matrix {c}/matrices/good.csv --out {t}/p.csv")]
    [InlineData("fit --stats {t}/fifo.json --model snorkel --out {t}/model.json")]
    // Commands that open their data more than once (apply, then read rows or gold labels again) check it first too.
    [InlineData("label --lfs {c}/lfs/ok --data {t}/fifo.csv --out {t}/l.csv")]
    [InlineData("rows --lfs {c}/lfs/ok --data {t}/fifo.csv --uncovered")]
    [InlineData("label --lfs {c}/lfs/ok --data {t}/gold.csv --dev {t}/fifo.csv --gold-column gold --out {t}/l.csv")]
    [InlineData("fit --matrix {c}/matrices/good.csv --dev {t}/fifo.csv --lfs {c}/lfs/ok --gold-column stars --model auto --out {t}/model.json")]
    [InlineData("compare --train {c}/matrices/good.csv --test {t}/fifo.csv")]
    public void A_data_matrix_model_or_statistics_file_that_is_a_named_pipe_fails_at_once_naming_it(string args)
    {
        Files.MakeFifo(_temp.File("fifo.csv"));
        Files.MakeFifo(_temp.File("fifo.json"));
        _temp.Write("gold.csv", "text,gold\nplease subscribe,SPAM\nnice song,HAM\n");
        var filled = args.Replace("{t}", _temp.Path, StringComparison.Ordinal).Replace("{c}", Support.Corpus.Root, StringComparison.Ordinal);
        var fifo = filled.Contains("fifo.csv", StringComparison.Ordinal) ? _temp.File("fifo.csv") : _temp.File("fifo.json");

        var result = Run(filled.Split(' '));

        result.ShouldFailWith(1);
        result.ErrorLines[^1].ShouldBe($"error: {fifo}: is a named pipe, socket or device, not a regular file (save the content to a file first)");
    }

    /// <summary>Runs the command in-process, failing the test (instead of hanging it) when it does not return within a minute.</summary>
    private static CliResult Run(params string[] args)
    {
        var run = OwnThread.Run(() => Shell.Run(args));
        run.Wait(TimeSpan.FromMinutes(1)).ShouldBeTrue($"snorkeler {string.Join(' ', args)} did not return");
        return run.Result;
    }
}

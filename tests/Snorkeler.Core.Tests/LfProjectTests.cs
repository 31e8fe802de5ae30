using System.Text;
using Snorkeler.Core.Tests.Support;
using Snorkeler.Loading;

namespace Snorkeler.Core.Tests;

public class LfProjectTests
{
    [Fact]
    public void Lfs_load_from_files_and_folders_in_ordinal_path_order()
    {
        // Given
        using var temp = new TempFolder();
        temp.Write("lfs/b.lfs", "lf from_b\n");
        temp.Write("lfs/a.lfs", "labels HAM, SPAM\nlf from_a\n");
        temp.Write("lfs/B.lfs", "lf from_B\n");
        temp.Write("lfs/sub/c.lfs", "lf from_c\n");
        temp.Write("lfs/notes.txt", "lf ignored\n");
        var loader = new TestLoader();

        // When
        var set = new LfProject([loader]).Load([temp.File("lfs")]);

        // Then
        set.HasErrors.ShouldBeFalse();
        loader.FilesSeen.Select(f => Path.GetRelativePath(temp.Path, f).Replace('\\', '/')).ShouldBe(["lfs/B.lfs", "lfs/a.lfs", "lfs/b.lfs", "lfs/sub/c.lfs"]);
        set.Functions.Select(f => f.Name).ShouldBe(["from_B", "from_a", "from_b", "from_c"]);
        set.Schema.ShouldBe(new LabelSchema(["HAM", "SPAM"]));
    }

    [Fact]
    public void Hidden_files_and_folders_in_an_lf_folder_are_left_out_unless_named()
    {
        // Given an LF file, with what editors and systems leave beside it: Jupyter's checkpoint copy (the same LF again),
        // macOS's binary ._ file, and Emacs's lock link to no file while a buffer has unsaved edits
        using var temp = new TempFolder();
        temp.Write("lfs/a.lfs", "labels HAM, SPAM\nlf from_a\n");
        temp.Write("lfs/.ipynb_checkpoints/a-checkpoint.lfs", "labels HAM, SPAM\nlf from_a\n");
        File.WriteAllBytes(temp.File("lfs/._a.lfs"), [0, 5, 22, 7, 0, 2, 0, 0]);
        File.CreateSymbolicLink(temp.File("lfs/.#a.lfs"), "someone@host.1234:1700000000");
        var loader = new TestLoader();

        // When the folder is loaded, and the hidden folder is named itself
        var set = new LfProject([loader]).Load([temp.File("lfs")]);
        var named = new LfProject([new TestLoader()]).Load([temp.File("lfs/.ipynb_checkpoints")]);

        // Then the folder is its one LF file (before: SNK0905 for the NUL and the broken link, SNK0903 for the copy)
        set.Diagnostics.ShouldBeEmpty();
        loader.FilesSeen.Select(f => Path.GetRelativePath(temp.Path, f).Replace('\\', '/')).ShouldBe(["lfs/a.lfs"]);
        named.Diagnostics.ShouldBeEmpty();
        named.Functions.Select(f => f.Name).ShouldBe(["from_a"]);
    }

    [Fact]
    public void The_same_lf_name_in_two_files_is_an_error_naming_both_locations()
    {
        // Given
        using var temp = new TempFolder();
        var first = temp.Write("a.lfs", "labels HAM, SPAM\nlf keyword_my\n");
        var second = temp.Write("b.lfs", "\n\nlf keyword_my\n");

        // When
        var set = new LfProject([new TestLoader()]).Load([first, second]);

        // Then
        var error = set.Diagnostics.ShouldHaveSingleItem();
        error.Code.ShouldBe(LfProject.Codes.DuplicateName);
        error.Code.ShouldBe("SNK0903");
        error.ToString().ShouldBe($"{second}(3,1): error SNK0903: LF name 'keyword_my' is already used at {first}(2,1)");
        set.Functions.Count.ShouldBe(1);
        Should.Throw<DiagnosticsException>(() => set.ThrowIfErrors()).Message.ShouldBe(error.ToString());
    }

    [Fact]
    public void Diagnostics_of_several_files_come_out_in_path_and_position_order()
    {
        // Given: an unreadable file found while reading, and a duplicate name found after loading, in an earlier file
        using var temp = new TempFolder();
        var a = temp.Write("a.lfs", "labels HAM, SPAM\nlf x\n");
        var b = temp.Write("b.lfs", "\nlf x\n");
        var c = temp.File("c.lfs");
        File.WriteAllBytes(c, [.. "lf y\n"u8, 0xFF, .. "\n"u8]);

        // When
        var set = new LfProject([new TestLoader()]).Load([a, b, c]);

        // Then
        set.Diagnostics.Select(d => d.ToString()).ShouldBe([
            $"{b}(2,1): error SNK0903: LF name 'x' is already used at {a}(2,1)",
            $"{c}(2,1): error SNK0905: cannot read the LF file: invalid UTF-8 at byte 5 (save the file as UTF-8)",
        ]);
    }

    [Fact]
    public void A_path_that_does_not_exist_is_SNK0901()
    {
        using var temp = new TempFolder();
        var missing = temp.File("nope");

        var set = new LfProject([new TestLoader()]).Load([missing]);

        set.Diagnostics.ShouldHaveSingleItem().ToString().ShouldBe($"error SNK0901: no such file or folder: '{missing}'");
    }

    [Fact]
    public void An_lf_file_that_is_not_utf8_is_SNK0905_at_the_line_of_the_first_bad_byte()
    {
        // Given: a rule saved as Windows-1252 ('ni\xF1o'), which was read with U+FFFD for the ñ and never fired
        using var temp = new TempFolder();
        var path = temp.File("latin1.lfs");
        File.WriteAllBytes(path, [.. "labels HAM, SPAM\nlf a:\n    when text contains \"ni"u8, 0xF1, .. "o\" label SPAM\n"u8]);

        // When
        var set = new LfProject([new TestLoader()]).Load([path]);

        // Then
        set.Diagnostics.ShouldHaveSingleItem().ToString().ShouldBe($"{path}(3,1): error SNK0905: cannot read the LF file: invalid UTF-8 at byte 49 (save the file as UTF-8)");
    }

    [Fact]
    public void An_lf_file_saved_as_utf16_without_a_byte_order_mark_is_SNK0905_saying_so()
    {
        // Given: what a Windows editor's "Unicode" encoding writes, less the byte order mark; it read as "l\0f\0..." and was
        // reported as "unexpected 'l', expected 'labels', 'let' or 'lf'; did you mean 'lf'?"
        using var temp = new TempFolder();
        var path = temp.File("utf16.lfs");
        File.WriteAllBytes(path, Encoding.Unicode.GetBytes("labels HAM, SPAM\nlf a\n"));

        // When
        var set = new LfProject([new TestLoader()]).Load([path]);

        // Then
        set.Diagnostics.ShouldHaveSingleItem().ToString().ShouldBe(
            $"{path}(1,1): error SNK0905: cannot read the LF file: the file has a NUL byte beside every character, as text saved as UTF-16 without a byte order mark has (save the file as UTF-8)");
    }

    [Fact]
    public void An_lf_file_with_a_stray_nul_character_is_SNK0905_at_its_line()
    {
        using var temp = new TempFolder();
        var path = temp.Write("nul.lfs", "labels HAM, SPAM\nlf a\n  x\0y\n");

        new LfProject([new TestLoader()]).Load([path]).Diagnostics.ShouldHaveSingleItem().ToString().ShouldBe(
            $"{path}(3,1): error SNK0905: cannot read the LF file: a NUL character (U+0000) at column 4, which is not text (remove it, and save the file as UTF-8)");
    }

    [Fact]
    public void A_folder_without_lf_files_is_SNK0902()
    {
        using var temp = new TempFolder();
        temp.Write("lfs/readme.md", "nothing here");

        var set = new LfProject([new TestLoader(".lfs"), new TestLoader(".other")]).Load([temp.File("lfs")]);

        var error = set.Diagnostics.ShouldHaveSingleItem();
        error.Code.ShouldBe("SNK0902");
        error.Message.ShouldBe($"no labelling-function files (*.lfs, *.other) under '{temp.File("lfs")}'");
    }

    [Theory]
    [InlineData("typo.lf")]
    [InlineData("words.txt")]
    public void A_file_given_by_name_that_no_loader_reads_is_SNK0907_even_beside_lf_files(string name)
    {
        // Given: a file named on the command line with an extension no loader takes; it was skipped without a word, so
        // 'check good.lfs typo.lf' passed while typo.lf was never read
        using var temp = new TempFolder();
        var good = temp.Write("good.lfs", "labels HAM, SPAM\nlf one\n");
        var other = temp.Write(name, "labels HAM, SPAM\nlf two\n");

        // When
        var set = new LfProject([new TestLoader(".lfs"), new TestLoader(".other")]).Load([good, other]);

        // Then
        set.Diagnostics.ShouldHaveSingleItem().ToString().ShouldBe(
            $"error SNK0907: '{other}' is not an LF file: LF files end in .lfs or .other (a folder given instead is searched for them)");
    }

    [Fact]
    public void Files_that_declare_no_classes_are_SNK0904()
    {
        using var temp = new TempFolder();
        var path = temp.Write("a.lfs", "lf one\n");

        var set = new LfProject([new TestLoader()]).Load([path]);

        set.Diagnostics.ShouldHaveSingleItem().Code.ShouldBe("SNK0904");
    }

    [Fact]
    public void Classes_that_differ_from_the_data_sets_are_SNK0906()
    {
        using var temp = new TempFolder();
        var path = temp.Write("a.lfs", "labels SPAM, HAM\nlf one\n");

        var set = new LfProject([new TestLoader()]).Load([path], schema: new LabelSchema(["HAM", "SPAM"]));

        var error = set.Diagnostics.ShouldHaveSingleItem();
        error.Code.ShouldBe("SNK0906");
        error.Message.ShouldContain("SPAM=0, HAM=1");
        error.Location.ShouldBe(new SourceLocation(path, 1, 1));
    }

    [Fact]
    public void The_data_sets_classes_serve_lf_files_that_declare_none()
    {
        using var temp = new TempFolder();
        var path = temp.Write("a.lfs", "lf one\n");

        var set = new LfProject([new TestLoader()]).Load([path], schema: new LabelSchema(["HAM", "SPAM"]));

        set.HasErrors.ShouldBeFalse();
        set.Schema!.ClassNames.ShouldBe(["HAM", "SPAM"]);
    }
}

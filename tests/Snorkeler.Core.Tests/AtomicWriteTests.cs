using System.Text;
using Snorkeler.Core.Tests.Support;
using Snorkeler.IO;

namespace Snorkeler.Core.Tests;

public class AtomicWriteTests
{
    [Fact]
    public void An_exception_mid_write_leaves_the_previous_file_and_no_temporary_files()
    {
        // Given
        using var temp = new TempFolder();
        var path = temp.Write("out.txt", "previous");

        // When
        Should.Throw<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write("new content, half written"u8);
            throw new InvalidOperationException("boom");
        }));

        // Then
        File.ReadAllText(path).ShouldBe("previous");
        Directory.GetFiles(temp.Path).Select(Path.GetFileName).ShouldBe(["out.txt"]);
    }

    [Fact]
    public void A_committed_write_replaces_the_file_and_leaves_no_temporary_files()
    {
        using var temp = new TempFolder();
        var path = temp.Write("out.txt", "previous");

        AtomicFile.Write(path, stream => stream.Write("next"u8));

        File.ReadAllText(path).ShouldBe("next");
        Directory.GetFiles(temp.Path).Select(Path.GetFileName).ShouldBe(["out.txt"]);
    }

    [Theory]
    [InlineData("m.snkm")]
    [InlineData("m.csv")]
    [InlineData("m.npy")]
    public void Disposing_a_matrix_writer_without_commit_leaves_no_file(string name)
    {
        using var temp = new TempFolder();
        var path = temp.File(name);

        using (var writer = MatrixWriter.Create(path, Some.HamSpam, ["a", "b"]))
            writer.Write(Some.RandomMatrix(10, 2, 2, seed: 1));

        Directory.GetFiles(temp.Path).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("m.snkm")]
    [InlineData("m.csv")]
    [InlineData("m.npy")]
    public void A_matrix_write_that_fails_mid_way_leaves_the_previous_matrix(string name)
    {
        // Given
        using var temp = new TempFolder();
        var path = temp.File(name);
        var previous = Some.RandomMatrix(8, 2, 2, seed: 1);
        MatrixFile.Write(path, previous);
        var before = Snapshot(temp.Path);

        // When
        Should.Throw<InvalidOperationException>(() => MatrixFile.Write(path, new FailingSource(Some.RandomMatrix(100, 2, 2, seed: 2))));

        // Then
        Snapshot(temp.Path).ShouldBe(before);
        MatrixFile.Read(path).ShouldEqual(previous, compareGold: false);
    }

    [Fact]
    public void A_write_that_fails_names_the_output_and_not_the_temporary_file_the_error_of_dotnet_names()
    {
        // Given .NET's error for a full disk, which ends with the path of the file written: the temporary one
        const string Temp = "/data/.m.snkm.4242.0f1e2d3c4b5a69788796a5b4c3d2e1f0.tmp";
        var full = new IOException($"No space left on device : '{Temp}'");

        // When it is reported
        var error = OutputStream.Failure("/data/m.snkm", Temp, full);

        // Then the message is the documented one, naming the output only (the temporary file is gone by then)
        error.Message.ShouldBe("/data/m.snkm: cannot write: No space left on device");
        AtomicFile.WithoutTemporary($"Could not move '{Temp}' into place", Temp, "/data/m.snkm").ShouldBe("Could not move '/data/m.snkm' into place");
        AtomicFile.WithoutTemporary($"Read-only file system : '{Temp}'", Temp, "/data/m.snkm").ShouldBe("Read-only file system");
    }

    [Fact]
    public void A_file_whose_name_is_as_long_as_a_file_system_takes_is_written_alone_and_as_a_unit_and_its_stale_temporaries_are_deleted()
    {
        // Given names of 250 bytes (a file system takes 255), one of them in two-byte characters, so the temporary
        // .NAME.PID.GUID.tmp beside it cannot hold the whole name, and a temporary of the first left by a dead process
        using var temp = new TempFolder();
        var output = temp.File(new string('a', 246) + ".csv");
        var sidecar = temp.File(new string('\u00e9', 125) + ".json");
        var cut = Path.GetFileName(output)[..191];
        var stale = temp.Write($".{cut}.{int.MaxValue}.0123456789abcdef0123456789abcdef.tmp", "half");

        // When it is written alone, then with the other as one unit
        AtomicFile.Write(output, s => s.Write("first"u8));
        var unit = new[] { AtomicFile.Prepare(output, s => s.Write("second"u8)), AtomicFile.Prepare(sidecar, s => s.Write("beside"u8)) };
        AtomicFile.Commit(unit);

        // Then both hold their content and nothing else is left, the dead process's temporary deleted too
        File.ReadAllText(output).ShouldBe("second");
        File.ReadAllText(sidecar).ShouldBe("beside");
        File.Exists(stale).ShouldBeFalse();
        Directory.GetFiles(temp.Path).Select(Path.GetFileName).ShouldBe([Path.GetFileName(output), Path.GetFileName(sidecar)], ignoreOrder: true);
    }

    [Fact]
    public void A_unit_with_a_file_name_too_long_for_the_file_system_fails_before_anything_is_published()
    {
        // Given an output of 250 bytes, whose sidecar NAME.schema.json (262 bytes) no file system takes
        using var temp = new TempFolder();
        var output = temp.File(new string('a', 246) + ".csv");

        // When the output is prepared, then its sidecar
        using var first = AtomicFile.Prepare(output, s => s.Write("matrix"u8));
        var error = Should.Throw<SnorkelerException>(() => AtomicFile.Prepare(output + ".schema.json", s => s.Write("names"u8)));
        first.Dispose();

        // Then the sidecar fails naming the limit, and nothing is left (the output was never published beside no sidecar)
        error.Message.ShouldBe($"{output}.schema.json: the file name is 262 bytes long (in UTF-8), longer than the 255 bytes a file system takes; choose a shorter name");
        Directory.GetFiles(temp.Path).ShouldBeEmpty();
    }

    [Fact]
    public async Task Two_commits_of_one_unit_at_once_take_turns_so_the_published_files_are_all_from_one_of_them()
    {
        // Given two runs' labels and manifests, ready to publish
        using var temp = new TempFolder();
        var labels = temp.File("labels.csv");
        var manifest = temp.File("labels.csv.manifest.json");
        PendingFile[] Unit(string run) => [AtomicFile.Prepare(labels, s => s.Write(Encoding.UTF8.GetBytes(run))), AtomicFile.Prepare(manifest, s => s.Write(Encoding.UTF8.GetBytes(run)))];
        var first = Unit("first");
        var second = Unit("second");

        // When the second commits while the first is between its two renames
        Task? other = null;
        AtomicFile.AfterUnitRename = (files, renamed) =>
        {
            if (files != first || renamed != 1) return;
            other = Task.Run(() => AtomicFile.Commit(second));
            other.Wait(TimeSpan.FromMilliseconds(500)); // time enough for its renames, were it not made to wait
        };
        try
        {
            AtomicFile.Commit(first);
            await other.ShouldNotBeNull().WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            AtomicFile.AfterUnitRename = null;
        }

        // Then the second ran after the first: both files are its own, and no lock, journal or temporary is left
        File.ReadAllText(labels).ShouldBe("second");
        File.ReadAllText(manifest).ShouldBe("second");
        Directory.GetFiles(temp.Path).Select(Path.GetFileName).ShouldBe(["labels.csv", "labels.csv.manifest.json"], ignoreOrder: true);
    }

    [Fact]
    public void A_unit_whose_second_file_cannot_be_renamed_into_place_names_that_file_and_not_the_first()
    {
        // Given labels and their manifest, ready to publish, and a folder that takes the manifest's place once the labels are published
        using var temp = new TempFolder();
        var labels = temp.File("labels.csv");
        var manifest = temp.File("labels.csv.manifest.json");
        var unit = new[] { AtomicFile.Prepare(labels, s => s.Write("next"u8)), AtomicFile.Prepare(manifest, s => s.Write("{}"u8)) };
        AtomicFile.AfterUnitRename = (files, renamed) =>
        {
            if (files == unit && renamed == 1) Directory.CreateDirectory(Path.Combine(manifest, "inside"));
        };

        // When the unit is committed
        SnorkelerException error;
        try { error = Should.Throw<SnorkelerException>(() => AtomicFile.Commit(unit)); }
        finally { AtomicFile.AfterUnitRename = null; }

        // Then the error names the manifest, whose rename failed, with the system's reason, and no temporary file
        error.Message.ShouldStartWith($"{manifest}: cannot write: ");
        error.Message.ShouldNotContain(".tmp");
        error.Message.ShouldNotEndWith($"'{manifest}'");
        error.Message.Length.ShouldBeGreaterThan($"{manifest}: cannot write: ".Length);
        File.ReadAllText(labels).ShouldBe("next");
    }

    [Fact]
    public void A_unit_whose_lock_another_run_holds_too_long_publishes_nothing_and_says_so()
    {
        // Given a run holding the lock of labels.csv's unit
        using var temp = new TempFolder();
        var labels = temp.Write("labels.csv", "previous");
        var lockFile = temp.File(".labels.csv.lock");
        using var held = new FileStream(lockFile, FileMode.Create, FileAccess.ReadWrite, FileShare.None);
        var unit = new[] { AtomicFile.Prepare(labels, s => s.Write("next"u8)), AtomicFile.Prepare(temp.File("labels.csv.manifest.json"), s => s.Write("{}"u8)) };

        // When another commits it and waits less than the holder takes
        var wait = AtomicFile.UnitLockWait;
        AtomicFile.UnitLockWait = TimeSpan.FromMilliseconds(200);
        SnorkelerException error;
        try { error = Should.Throw<SnorkelerException>(() => AtomicFile.Commit(unit)); }
        finally { AtomicFile.UnitLockWait = wait; }

        // Then it names the lock, and leaves the previous labels and nothing of its own
        error.Message.ShouldBe($"{labels}: another run is writing the same outputs (it holds '{lockFile}'); waited 0.2 s and published nothing; run again when it is done");
        File.ReadAllText(labels).ShouldBe("previous");
        Directory.GetFiles(temp.Path).Select(Path.GetFileName).ShouldBe([".labels.csv.lock", "labels.csv"], ignoreOrder: true);
    }

    [Theory]
    [InlineData("folder")]
    [InlineData("socket")]
    public void A_lock_file_that_cannot_be_opened_is_reported_at_once_for_what_it_is_not_as_another_run(string what)
    {
        if (OperatingSystem.IsWindows()) return;
        // Given a folder or a socket where labels.csv's unit keeps its lock (the socket was waited on, then called another run)
        using var temp = new TempFolder();
        var labels = temp.Write("labels.csv", "previous");
        var lockFile = temp.File(".labels.csv.lock");
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        if (what == "folder") Directory.CreateDirectory(lockFile);
        else socket.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(lockFile));
        var unit = new[] { AtomicFile.Prepare(labels, s => s.Write("next"u8)), AtomicFile.Prepare(temp.File("labels.csv.manifest.json"), s => s.Write("{}"u8)) };

        // When (commands check the lock's place before any work, and are told what the commit would say)
        var early = Should.Throw<SnorkelerException>(() => AtomicFile.RequireLockPlace(labels));
        var wait = AtomicFile.UnitLockWait;
        AtomicFile.UnitLockWait = TimeSpan.FromSeconds(1);
        SnorkelerException error;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try { error = Should.Throw<SnorkelerException>(() => AtomicFile.Commit(unit)); }
        finally { AtomicFile.UnitLockWait = wait; }

        // Then it says what is in the lock's place, without waiting, and publishes nothing
        var kind = what == "folder" ? "a folder" : "a named pipe, socket or device";
        error.Message.ShouldBe($"{labels}: cannot write the lock file beside it: '{lockFile}' is {kind}; remove it (Snorkeler makes and deletes that file as it publishes)");
        early.Message.ShouldBe(error.Message);
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(1));
        File.ReadAllText(labels).ShouldBe("previous");
        File.Exists(temp.File("labels.csv.manifest.json")).ShouldBeFalse();
    }

    [Fact]
    public void A_lock_place_check_passes_while_another_run_holds_the_lock_and_leaves_nothing_behind()
    {
        // Given a run holding labels.csv's unit lock now (it may be done before this one publishes), and a folder without one
        using var temp = new TempFolder();
        var held = temp.File(".labels.csv.lock");
        using (new FileStream(held, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None))
        {
            // When / Then
            Should.NotThrow(() => AtomicFile.RequireLockPlace(temp.File("labels.csv")));
        }
        Should.NotThrow(() => AtomicFile.RequireLockPlace(temp.File("matrix.snkm")));
        Directory.GetFiles(temp.Path).Select(Path.GetFileName).ShouldBe([".labels.csv.lock"]);
    }

    [Fact]
    public void Writing_into_a_missing_folder_names_the_folder()
    {
        using var temp = new TempFolder();

        Should.Throw<SnorkelerException>(() => AtomicFile.Write(temp.File("no/such/out.txt"), _ => { }))
            .Message.ShouldContain("does not exist");
    }

    [Fact]
    public void A_write_completes_a_dead_process_journal_and_deletes_its_stale_temporaries_in_the_same_folder()
    {
        // Given: a unit of two files whose process (a PID above any Linux pid_max, so never running) was killed
        // after the first rename, and a temporary of the file to be written left by another dead run
        using var temp = new TempFolder();
        const int dead = int.MaxValue;
        var matrix = temp.Write("m.snkm", "new matrix");
        var schema = temp.File("m.snkm.schema.json");
        var schemaTemporary = temp.Write($".m.snkm.schema.json.{dead}.0123456789abcdef0123456789abcdef.tmp", "new schema");
        var journal = temp.Write($".m.snkm.{dead}.commit",
            System.Text.Json.JsonSerializer.Serialize(new[] { new[] { temp.File("gone.tmp"), matrix }, new[] { schemaTemporary, schema } }));
        var output = temp.Write("out.txt", "previous");
        var stale = temp.Write($".out.txt.{dead}.0123456789abcdef0123456789abcdef.tmp", "half");
        var running = temp.Write($".out.txt.{Environment.ProcessId}.0123456789abcdef0123456789abcdef.tmp", "in progress");

        // When
        AtomicFile.Write(output, s => s.Write("next"u8));

        // Then: the journal's remaining rename is done and the journal gone; only the running process's temporary is left
        File.ReadAllText(schema).ShouldBe("new schema");
        File.ReadAllText(output).ShouldBe("next");
        Directory.GetFiles(temp.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal)
            .ShouldBe([Path.GetFileName(running), "m.snkm", "m.snkm.schema.json", "out.txt"]);
        File.Exists(journal).ShouldBeFalse();
        File.Exists(stale).ShouldBeFalse();
    }

    /// <summary>Every file of a folder as "name: base64 content", in name order.</summary>
    private static string[] Snapshot(string folder)
        => Directory.GetFiles(folder).Order(StringComparer.Ordinal)
            .Select(f => $"{Path.GetFileName(f)}: {Convert.ToBase64String(File.ReadAllBytes(f))}").ToArray();

    /// <summary>A matrix source that fails after its first block.</summary>
    private sealed class FailingSource(LabelMatrix matrix) : IMatrixSource
    {
        public LabelSchema Schema => matrix.Schema;
        public IReadOnlyList<string> LfNames => matrix.LfNames;
        public long? RowCount => matrix.RowCount;
        public bool HasGold => matrix.HasGold;

        public IEnumerable<LabelMatrix> ReadBlocks(int rowsPerBlock = IMatrixSource.DefaultBlockRows)
        {
            yield return matrix.Slice(0, 10);
            throw new InvalidOperationException("the source broke");
        }
    }
}

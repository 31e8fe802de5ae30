using Snorkeler.Data;

namespace Snorkeler.Examples.Spam;

/// <summary>One YouTube comment: its id, text and gold class (0 = HAM, 1 = SPAM).</summary>
internal sealed record Comment(string Id, string Text, int Gold);

/// <summary>
/// The YouTube spam data (Alberto et al. 2015, UCI "YouTube Spam Collection") split as Snorkel's tutorial
/// and the Wrench benchmark split it: train = every comment of videos 1-4 (1,586 rows); video 5 is divided
/// into valid (120) and test (250) by the COMMENT_ID lists shipped in <c>examples/spam/data</c> (see the
/// README for how they were derived from the Wrench splits).
/// </summary>
internal sealed class SpamData
{
    public const string IdColumn = "COMMENT_ID";
    public const string TextColumn = "CONTENT";
    public const string ClassColumn = "CLASS";

    private SpamData(IReadOnlyList<Comment> train, IReadOnlyList<Comment> valid, IReadOnlyList<Comment> test)
    {
        Train = train;
        Valid = valid;
        Test = test;
    }

    /// <summary>Comments of videos 1-4, in file order (video 1 first).</summary>
    public IReadOnlyList<Comment> Train { get; }

    /// <summary>The video-5 comments listed in <c>valid_ids.txt</c>, in file order.</summary>
    public IReadOnlyList<Comment> Valid { get; }

    /// <summary>The video-5 comments listed in <c>test_ids.txt</c>, in file order.</summary>
    public IReadOnlyList<Comment> Test { get; }

    /// <summary>
    /// Reads <c>Youtube01-*.csv</c> ... <c>Youtube05-*.csv</c> from <paramref name="rawFolder"/> and splits
    /// video 5 by <c>valid_ids.txt</c> and <c>test_ids.txt</c> in <paramref name="splitFolder"/>.
    /// </summary>
    public static SpamData Load(string rawFolder, string splitFolder)
    {
        var train = new List<Comment>();
        for (var video = 1; video <= 4; video++) train.AddRange(ReadVideo(rawFolder, video));

        // An id file is a multiset: the raw data holds a few exact duplicate rows (same COMMENT_ID, same
        // text), and Wrench keeps both copies, so an id listed twice claims two rows.
        var validIds = ReadIds(Path.Combine(splitFolder, "valid_ids.txt"));
        var testIds = ReadIds(Path.Combine(splitFolder, "test_ids.txt"));
        var valid = new List<Comment>();
        var test = new List<Comment>();
        var video5 = ReadVideo(rawFolder, 5);
        foreach (var comment in video5)
        {
            if (Take(validIds, comment.Id)) valid.Add(comment);
            else if (Take(testIds, comment.Id)) test.Add(comment);
            else throw new SnorkelerException($"video 5 comment {comment.Id} is in neither {splitFolder}/valid_ids.txt nor test_ids.txt");
        }
        var unused = validIds.Concat(testIds).Where(p => p.Value > 0).Select(p => p.Key).ToList();
        if (unused.Count > 0)
            throw new SnorkelerException($"{unused.Count} listed ids are not (or not that often) in video 5, e.g. {unused[0]}");
        return new SpamData(train, valid, test);
    }

    private static bool Take(Dictionary<string, int> ids, string id)
    {
        if (!ids.TryGetValue(id, out var n) || n == 0) return false;
        ids[id] = n - 1;
        return true;
    }

    private static Dictionary<string, int> ReadIds(string path)
    {
        if (!File.Exists(path)) throw SnorkelerException.InFile(path, "no such file (the split's COMMENT_ID list)");
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(path))
        {
            var id = line.Trim();
            if (id.Length == 0 || id.StartsWith('#')) continue;
            ids[id] = ids.GetValueOrDefault(id) + 1;
        }
        return ids;
    }

    private static List<Comment> ReadVideo(string rawFolder, int video)
    {
        if (!Directory.Exists(rawFolder)) throw new SnorkelerException($"{rawFolder}: no such folder (expected the raw YouTube spam CSVs)");
        var files = Directory.GetFiles(rawFolder, $"Youtube0{video}-*.csv");
        if (files.Length != 1)
            throw new SnorkelerException($"{rawFolder}: expected one Youtube0{video}-*.csv, found {files.Length}");
        var source = new CsvSource(files[0]);
        var id = source.Schema.RequireIndex(IdColumn, source.Name);
        var text = source.Schema.RequireIndex(TextColumn, source.Name);
        var gold = source.Schema.RequireIndex(ClassColumn, source.Name);
        var comments = new List<Comment>();
        foreach (var batch in source.ReadBatches(1024))
            for (var i = 0; i < batch.Count; i++)
            {
                var row = batch[i];
                var label = row.Number(gold);
                if (label is not (0 or 1))
                    throw SnorkelerException.InFile(source.Name, $"{ClassColumn} is '{row.Text(gold)}', expected 0 (HAM) or 1 (SPAM)", batch.LineOf(i));
                comments.Add(new Comment(row.Text(id), row.Text(text), (int)label.Value));
            }
        return comments;
    }
}

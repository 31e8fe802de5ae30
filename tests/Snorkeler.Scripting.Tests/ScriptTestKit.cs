using Snorkeler.Data;
using Snorkeler.Loading;

namespace Snorkeler.Scripting.Tests;

/// <summary>Builders shared by the script tests.</summary>
internal static class ScriptTestKit
{
    public static readonly LabelSchema HamSpam = new(["HAM", "SPAM"]);

    /// <summary>Writes the scripts (name, text) into <paramref name="folder"/> and loads them in path order.</summary>
    public static LfSet Load(ScriptLoader loader, TempFolder folder, LabelSchema? schema, params (string Name, string Text)[] scripts)
    {
        var files = scripts.Select(s => new LfSourceFile(folder.Write(s.Name, s.Text), s.Text))
            .OrderBy(f => f.Path, StringComparer.Ordinal).ToArray();
        return loader.Load(files, new LfLoadContext(schema, null, folder.Path, folder.File(".cache")));
    }

    /// <summary>The .csx files of a folder, as LfProject would hand them over.</summary>
    public static IReadOnlyList<LfSourceFile> Files(string folder)
        => Directory.EnumerateFiles(folder, "*.csx", SearchOption.AllDirectories).OrderBy(p => p, StringComparer.Ordinal)
            .Select(p => new LfSourceFile(p, File.ReadAllText(p))).ToArray();

    /// <summary>Every LF's vote on every row: votes[row][lf].</summary>
    public static int[][] Votes(IReadOnlyList<LabelingFunction> lfs, IDataSource data)
    {
        var bound = lfs.Select(lf => lf.Bind(data.Schema)).ToArray();
        var rows = new List<int[]>();
        foreach (var batch in data.ReadBatches(512))
            for (var i = 0; i < batch.Count; i++)
            {
                var row = batch[i];
                rows.Add(bound.Select(vote => vote(row)).ToArray());
            }
        return rows.ToArray();
    }

    /// <summary>A one-column data source ("text") over the given rows.</summary>
    public static IDataSource Texts(TempFolder folder, params string[] texts)
    {
        var json = "{" + string.Join(",", texts.Select((t, i) =>
            $"\"{i}\": {{\"data\": {{\"text\": {System.Text.Json.JsonSerializer.Serialize(t)}}}, \"label\": 0, \"weak_labels\": [-1]}}")) + "}";
        var path = folder.Write("data/rows.json", json);
        folder.Write("data/label.json", "{\"0\": \"HAM\", \"1\": \"SPAM\"}");
        return WrenchFile.OpenData(path);
    }
}

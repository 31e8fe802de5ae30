using System.Text.Json;

namespace Snorkeler.Core.Tests.Support;

/// <summary>A Wrench split of the YouTube data set parsed directly with System.Text.Json, independently of Snorkeler's readers.</summary>
internal sealed record YouTubeSplit(string[] Texts, int[] Gold, int[][] WeakLabels)
{
    public static YouTubeSplit Read(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(TestPaths.YouTubeFile(name)));
        var rows = doc.RootElement.EnumerateObject().ToArray();
        return new YouTubeSplit(
            rows.Select(r => r.Value.GetProperty("data").GetProperty("text").GetString()!).ToArray(),
            rows.Select(r => r.Value.GetProperty("label").GetInt32()).ToArray(),
            rows.Select(r => r.Value.GetProperty("weak_labels").EnumerateArray().Select(v => v.GetInt32()).ToArray()).ToArray());
    }

    public int Rows => Gold.Length;

    public int LfCount => WeakLabels[0].Length;

    /// <summary>The share of rows on which LF <paramref name="lf"/> did not abstain.</summary>
    public double Coverage(int lf) => WeakLabels.Count(w => w[lf] != -1) / (double)Rows;
}

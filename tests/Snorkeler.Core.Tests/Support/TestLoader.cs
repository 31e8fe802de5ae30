using Snorkeler.Loading;

namespace Snorkeler.Core.Tests.Support;

/// <summary>
/// A minimal LF loader for tests: in files of its extension, a line <c>labels A, B</c> declares the classes
/// and a line <c>lf NAME</c> defines an LF (that abstains) at that line. Records the files it was given, in order.
/// </summary>
internal sealed class TestLoader(string extension = ".lfs") : ILfLoader
{
    public string Extension => extension;

    public List<string> FilesSeen { get; } = [];

    public LfSet Load(IReadOnlyList<LfSourceFile> files, LfLoadContext context)
    {
        LabelSchema? schema = null;
        var functions = new List<LabelingFunction>();
        foreach (var file in files)
        {
            FilesSeen.Add(file.Path);
            var lines = file.Text.Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                var line = lines[i].Trim();
                if (line.StartsWith("labels ", StringComparison.Ordinal))
                    schema = new LabelSchema(line["labels ".Length..].Split(',', StringSplitOptions.TrimEntries));
                else if (line.StartsWith("lf ", StringComparison.Ordinal))
                    functions.Add(LabelingFunction.Create(line[3..].Trim(), _ => LabelSchema.Abstain, new SourceLocation(file.Path, i + 1, 1)));
            }
        }
        return new LfSet(schema ?? context.Schema, functions, []);
    }
}

using Snorkeler.Data;
using Snorkeler.Loading;

namespace Snorkeler.Dsl.Tests.Support;

/// <summary>Builders for rule-language tests: load rule text, make rows, evaluate a condition.</summary>
internal static class Rules
{
    /// <summary>The path rule text is reported under.</summary>
    public const string FileName = "test.rules";

    /// <summary>Loads rule text as one file in a temporary folder (so lines() works relative to it).</summary>
    public static LfSet Load(string text, DataSchema? columns = null, LabelSchema? schema = null, string? folder = null)
    {
        var dir = folder ?? Path.GetTempPath();
        var path = Path.Combine(dir, FileName);
        var set = new RulesLoader().Load([new LfSourceFile(path, text)], new LfLoadContext(schema, columns, dir));
        return set with
        {
            Diagnostics = set.Diagnostics
                .Select(d => d with { Message = d.Message.Replace(path, FileName, StringComparison.Ordinal), Location = d.Location is null ? null : d.Location with { Path = FileName } })
                .ToList(),
        };
    }

    /// <summary>Loads rule files of <paramref name="folder"/> together, as one run, in the order given.</summary>
    public static LfSet LoadFiles(string folder, params string[] paths)
        => new RulesLoader().Load([.. paths.Select(p => new LfSourceFile(p, File.ReadAllText(p)))], new LfLoadContext(null, null, folder));

    /// <summary>The diagnostics of rule text, formatted, with the path shortened to <see cref="FileName"/>.</summary>
    public static IReadOnlyList<string> Diagnostics(string text, DataSchema? columns = null)
        => Load(text, columns).Diagnostics.Select(d => d.ToString()).ToList();

    /// <summary>A one-row batch; a null value is a missing cell.</summary>
    public static DataRow Row(params (string Field, string? Value)[] cells)
    {
        var schema = new DataSchema(cells.Select(c => c.Field));
        var builder = new RowBatchBuilder(schema, 1);
        builder.BeginRow();
        foreach (var (_, value) in cells)
        {
            if (value is null) builder.AddMissing();
            else builder.Add(value);
        }
        builder.EndRow();
        return builder.Build(0)[0];
    }

    /// <summary>The vote of the only LF in <paramref name="text"/> on a row.</summary>
    public static int Vote(string text, params (string Field, string? Value)[] cells)
    {
        var set = Load(text);
        set.Diagnostics.Where(d => d.IsError).ShouldBeEmpty(); // a constant condition's warning is expected in some tests
        var row = Row(cells);
        return set.Functions.Single().Bind(row.Schema)(row);
    }

    /// <summary>True when <paramref name="condition"/> holds on a row (labels NO, YES; the LF votes YES when it holds).</summary>
    public static bool Holds(string condition, params (string Field, string? Value)[] cells)
        => Vote($"labels NO, YES\nlf probe:\n    when {condition} label YES\n", cells) == 1;

    /// <summary>True when <paramref name="condition"/> holds on a row whose only field is <c>text</c>.</summary>
    public static bool HoldsOn(string condition, string? text) => Holds(condition, ("text", text));
}

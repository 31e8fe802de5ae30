namespace Snorkeler.Data;

/// <summary>Columns of a data source that an option names (<c>--id-column</c>, <c>--keep-columns</c>, <c>--fields</c>).</summary>
internal static class DataColumns
{
    /// <summary>
    /// The index of column <paramref name="name"/>, or an error naming the data and its columns, and, when a later line of
    /// one of its JSON Lines files (a later row of a Wrench split) has the name as a key, that line: its first line's keys
    /// are the columns.
    /// </summary>
    public static int RequireColumn(this IDataSource data, string name)
        => data.Schema.RequireIndex(name, data.Name, null, Loading.DataHints.Of(data).LaterKeyHint);
}

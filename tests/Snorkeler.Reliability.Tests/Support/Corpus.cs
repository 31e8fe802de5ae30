namespace Snorkeler.Reliability.Tests.Support;

/// <summary>The bad-input corpus copied next to the tests (tests/Snorkeler.Reliability.Tests/Corpus).</summary>
internal static class Corpus
{
    public static string Root => Path.Combine(AppContext.BaseDirectory, "Corpus");

    public static string File(params string[] parts) => Path.Combine([Root, .. parts]);
}

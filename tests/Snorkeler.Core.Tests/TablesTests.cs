using Snorkeler.Analysis;

namespace Snorkeler.Core.Tests;

public class TablesTests
{
    [Theory]
    [InlineData(new[] { "mv", "dawid-skene" }, 12, new[] { "mv", "dawid-skene" })] // names that fit stay whole
    [InlineData(new[] { "flyingsquid:partners=4", "mv" }, 12, new[] { "flyingsquid…", "mv" })] // one long name: its start
    [InlineData(new[] { "annotator_batch_01", "annotator_batch_02" }, 12, new[] { "annotator…01", "annotator…02" })] // same start: whole words of the end too
    [InlineData(new[] { "comments_part_one", "comments_part_two" }, 12, new[] { "comments…one", "comments…two" })]
    [InlineData(new[] { "ab", "abcdefghij", "abcdefghijk" }, 5, new[] { "ab", "abc…j", "abc…k" })] // a cut never fits a shorter name either
    [InlineData(new[] { "x1y", "x2y", "x1yy" }, 2, new[] { "x1y", "x2y", "x1yy" })] // too narrow to tell apart: shown whole
    public void A_name_too_long_for_its_column_is_cut_with_an_ellipsis_that_fits_no_other_name(string[] names, int width, string[] expected)
        => Tables.Shorten(names, names, width).ShouldBe(expected);

    [Fact]
    public void Names_sharing_a_long_start_and_end_are_cut_to_distinct_texts_each_fitting_its_own_name_alone()
    {
        // Given 30 worker names that differ only in a number in their middle
        var names = Enumerable.Range(1, 30).Select(i => $"vendor_north_{i}_annotation_round_spring").ToArray();

        // When
        var shown = Tables.Shorten(names, names, 20);

        // Then
        shown.Distinct().Count().ShouldBe(30);
        for (var i = 0; i < names.Length; i++)
        {
            shown[i].ShouldContain('…');
            var cut = shown[i].IndexOf('…', StringComparison.Ordinal);
            names.Where(n => n.Length >= shown[i].Length - 1 && n.StartsWith(shown[i][..cut], StringComparison.Ordinal) && n.EndsWith(shown[i][(cut + 1)..], StringComparison.Ordinal))
                .ShouldBe([names[i]], shown[i]);
        }
    }
}

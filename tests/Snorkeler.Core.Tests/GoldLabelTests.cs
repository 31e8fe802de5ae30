using Snorkeler.Applying;
using Snorkeler.Core.Tests.Support;
using Snorkeler.Data;
using Snorkeler.IO;

namespace Snorkeler.Core.Tests;

/// <summary>Gold labels: one way to read them from data, and every matrix format keeps them.</summary>
public class GoldLabelTests
{
    private static readonly LabelSchema Tickets = new(["Billing", "Technical", "Account"]);

    [Theory]
    [InlineData("Billing", 0)]
    [InlineData("billing", 0)]
    [InlineData("  TECHNICAL ", 1)]
    [InlineData("2", 2)]
    [InlineData("", -1)]
    [InlineData("-1", -1)]
    public void A_gold_cell_is_a_class_name_in_any_case_or_a_class_number_and_empty_means_no_label(string cell, int expected)
    {
        new GoldColumn("category", Tickets).TryParse(cell).ShouldBe(expected);
    }

    [Theory]
    [InlineData("Billng", "column 'category': 'Billng' is not a class (Billing, Technical, Account) or a class number 0..2; did you mean 'Billing'?")]
    [InlineData("3", "column 'category': '3' is not a class (Billing, Technical, Account) or a class number 0..2")]
    [InlineData("shipping", "column 'category': 'shipping' is not a class (Billing, Technical, Account) or a class number 0..2")]
    public void A_cell_that_names_no_class_is_an_error_naming_the_file_line_and_nearest_class(string cell, string problem)
    {
        var error = Should.Throw<SnorkelerException>(() => new GoldColumn("category", Tickets).Parse(cell, "tickets.csv", 7));

        error.Message.ShouldBe($"tickets.csv(7): {problem}");
    }

    [Fact]
    public void Class_names_that_differ_only_in_case_are_matched_exactly()
    {
        var column = new GoldColumn("y", new LabelSchema(["ham", "HAM", "spam"]));

        column.TryParse("HAM").ShouldBe(1);
        column.TryParse("ham").ShouldBe(0);
        column.TryParse("Ham").ShouldBeNull();
        column.TryParse("SPAM").ShouldBe(2);
    }

    [Fact]
    public void A_class_named_like_a_number_wins_over_the_number()
    {
        var stars = new GoldColumn("stars", new LabelSchema(["1", "2", "3", "4", "5"]));

        stars.TryParse("1").ShouldBe(0);
        stars.TryParse("5").ShouldBe(4);
    }

    [Fact]
    public void A_number_with_a_zero_fraction_is_the_class_its_digits_name_as_the_number_itself_is()
    {
        var stars = new GoldColumn("stars", new LabelSchema(["1", "2", "3", "4", "5"]));

        stars.TryParse("1.0").ShouldBe(0);
        stars.TryParse("5.00").ShouldBe(4);
        stars.TryParse("0.0").ShouldBe(0);
    }

    [Fact]
    public void A_gold_cell_that_names_one_class_and_numbers_another_is_the_class_it_names_and_is_warned_of_once()
    {
        // Given classes named "0" and "1" in the other order than their numbers
        using var temp = new TempFolder();
        var path = temp.Write("t.csv", "id,y\n1,0\n2,1\n3,1.0\n4,\n");
        var warnings = new List<string>();

        // When
        using var cursor = LabelledData.Gold([path], new CsvSource(path), new LabelSchema(["1", "0"]), "y", warnings.Add)!;
        var labels = cursor.Take(4);

        // Then
        labels.ShouldBe([1, 0, 0, -1]);
        warnings.ShouldBe([$"{path}(2): column 'y': '0' names class '0' and is also the number of class '1'; a gold label that names a class is read as that class, so write the column's labels as class names, not numbers"]);
    }

    [Fact]
    public void A_gold_cell_that_is_its_own_class_number_is_not_warned_of()
    {
        using var temp = new TempFolder();
        var path = temp.Write("t.csv", "id,y\n1,0\n2,1\n3,2\n");
        var warnings = new List<string>();

        using var cursor = LabelledData.Gold([path], new CsvSource(path), new LabelSchema(["0", "1", "other"]), "y", warnings.Add)!;

        cursor.Take(3).ShouldBe([0, 1, 2]);
        warnings.ShouldBeEmpty();
    }

    [Fact]
    public void Gold_labels_are_read_from_a_data_file_in_row_order_and_joined_to_blocks_of_any_size()
    {
        // Given
        using var temp = new TempFolder();
        var path = temp.Write("t.csv", "id,body,category\n1,a,Billing\n2,b,\n3,c,account\n4,d,1\n5,e,Technical\n");
        var data = new CsvSource(path);
        var matrix = LabelMatrix.Create(Tickets, ["lf"], [0, -1, 2, 1, 1]);

        // When
        using var cursor = LabelledData.Gold([path], data, Tickets, "category")!;
        var blocks = matrix.ReadBlocks(2).Select(cursor.Attach).ToList();

        // Then
        blocks.SelectMany(b => b.GoldLabels.ToArray()).ShouldBe([0, -1, 2, 1, 1]);
        blocks.Select(b => b.FirstRow).ShouldBe([0L, 2L, 4L]);
        cursor.Labelled.ShouldBe(4);
        cursor.Rows.ShouldBe(5);
    }

    [Theory]
    [InlineData("1\0", "1\\u0000", "0000")]
    [InlineData("2\0\0", "2\\u0000\\u0000", "0000")]
    [InlineData("Billing\u0001", "Billing\\u0001", "0001")]
    [InlineData("0\u007f", "0\\u007f", "007F")]
    public void A_gold_cell_with_a_control_character_after_its_label_is_refused_naming_the_file_line_and_column(string cell, string shown, string code)
    {
        // Given a data file whose second row's gold cell has a NUL (or another control character) after a class number,
        // which int.TryParse read as the number before it, or after a class name
        using var temp = new TempFolder();
        var path = temp.Write("t.csv", $"id,body,category\n1,a,Billing\n2,b,{cell}\n");

        // When
        var error = Should.Throw<SnorkelerException>(() =>
        {
            using var cursor = LabelledData.Gold([path], new CsvSource(path), Tickets, "category")!;
            cursor.Take(2);
        });

        // Then
        error.Message.ShouldBe($"{path}(3): column 'category': '{shown}' is not a class (Billing, Technical, Account) or a class number 0..2: it holds the control character U+{code}");
    }

    [Fact]
    public void A_gold_cell_of_a_csv_matrix_with_a_control_character_is_refused_naming_the_file_line_and_column()
    {
        // Given a hand-written CSV matrix whose gold column, read through its sidecar's classes, has '1\0' on its second row
        using var temp = new TempFolder();
        var path = temp.Write("m.csv", "a,b,truth\n0,-1,billing\n-1,2,1\0\n");
        File.WriteAllText(MatrixFile.SchemaSidecar(path), """{"format": "snorkeler.matrix-schema", "version": 1, "classes": ["Billing", "Technical", "Account"]}""");

        // When
        var error = Should.Throw<SnorkelerException>(() => MatrixFile.Read(path, "truth"));

        // Then
        error.Message.ShouldBe($"{path}(3): column 'truth': '1\\u0000' is not a class (Billing, Technical, Account) or a class number 0..2: it holds the control character U+0000");
    }

    [Fact]
    public void A_gold_column_the_data_lacks_is_an_error_naming_the_nearest_column()
    {
        using var temp = new TempFolder();
        var path = temp.Write("t.csv", "id,body,category\n1,a,Billing\n");

        var error = Should.Throw<SnorkelerException>(() => LabelledData.Gold([path], new CsvSource(path), Tickets, "catgory"));

        error.Message.ShouldBe($"{path}: no gold column 'catgory'; did you mean 'category'? (columns: id, body, category)");
    }

    [Theory]
    [InlineData(".snkm", 3)]
    [InlineData(".csv", 3)]
    [InlineData(".npy", 3)]
    [InlineData(".snkm", 200)]
    [InlineData(".csv", 200)]
    [InlineData(".npy", 200)]
    public void Every_matrix_format_keeps_gold_labels(string extension, int k)
    {
        // Given
        using var temp = new TempFolder();
        var matrix = Some.RandomMatrix(rows: 40, lfs: 3, k: k, seed: 5, gold: true);
        var path = temp.File("m" + extension);

        // When
        using (var writer = MatrixWriter.Create(path, matrix.Schema, matrix.LfNames, "category"))
        {
            foreach (var block in matrix.ReadBlocks(7)) writer.Write(block);
            writer.Commit();
        }
        var read = MatrixFile.Read(path);

        // Then
        read.ShouldEqual(matrix);
        MatrixFile.IsMatrix(path).ShouldBeTrue();
    }

    [Fact]
    public void A_csv_matrix_names_its_gold_column_in_the_sidecar_and_avoids_an_lf_of_that_name()
    {
        // Given
        using var temp = new TempFolder();
        var matrix = LabelMatrix.Create(Tickets, ["category", "b"], [0, -1, 2, 1], [1, -1]);
        var path = temp.File("m.csv");

        // When
        using (var writer = MatrixWriter.Create(path, Tickets, matrix.LfNames, "category"))
        {
            writer.Write(matrix);
            writer.Commit();
        }

        // Then
        File.ReadAllLines(path).ShouldBe(["category,b,_category", "0,-1,1", "2,1,-1"]);
        File.ReadAllText(MatrixFile.SchemaSidecar(path)).ShouldContain("\"gold\": \"_category\"");
        MatrixFile.Read(path).ShouldEqual(matrix);
    }

    [Fact]
    public void A_hand_written_csv_matrix_takes_gold_as_class_names_through_its_sidecar()
    {
        // Given
        using var temp = new TempFolder();
        var path = temp.Write("m.csv", "a,b,truth\n0,-1,billing\n-1,2,\n");
        File.WriteAllText(MatrixFile.SchemaSidecar(path), """{"format": "snorkeler.matrix-schema", "version": 1, "classes": ["Billing", "Technical", "Account"]}""");

        // When
        var read = MatrixFile.Read(path, "truth");

        // Then
        read.LfNames.ShouldBe(["a", "b"]);
        read.GoldLabels.ToArray().ShouldBe([0, -1]);
    }

    [Theory]
    [InlineData(".snkm")]
    [InlineData(".npy")]
    [InlineData(".csv")]
    public void Asking_for_gold_labels_a_matrix_does_not_have_is_an_error(string extension)
    {
        using var temp = new TempFolder();
        var path = temp.File("m" + extension);
        MatrixFile.Write(path, LabelMatrix.Create(Tickets, ["a"], [0, 1]));

        var error = Should.Throw<SnorkelerException>(() => MatrixFile.Open(path, "category"));

        error.Message.ShouldStartWith(path + ": ");
        error.Message.ShouldContain("'category'");
    }
}

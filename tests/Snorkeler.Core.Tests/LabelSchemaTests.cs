namespace Snorkeler.Core.Tests;

public class LabelSchemaTests
{
    [Fact]
    public void Classes_keep_their_order_and_map_names_to_labels_and_back()
    {
        // Given
        var schema = new LabelSchema(["SPAM", "HAM", "OTHER"]);

        // Then
        schema.ClassNames.ShouldBe(["SPAM", "HAM", "OTHER"]);
        schema.Cardinality.ShouldBe(3);
        schema.LabelOf("SPAM").ShouldBe(0);
        schema.LabelOf("HAM").ShouldBe(1);
        schema.LabelOf("OTHER").ShouldBe(2);
        schema.LabelOf("ham").ShouldBeNull();
        schema.LabelOf("NOPE").ShouldBeNull();
        schema.NameOf(2).ShouldBe("OTHER");
        schema.NameOf(LabelSchema.Abstain).ShouldBe("ABSTAIN");
        schema.ToString().ShouldBe("SPAM=0, HAM=1, OTHER=2");
    }

    [Fact]
    public void Valid_votes_are_abstain_and_the_class_labels()
    {
        var schema = new LabelSchema(["HAM", "SPAM"]);

        schema.IsValidVote(-1).ShouldBeTrue();
        schema.IsValidVote(0).ShouldBeTrue();
        schema.IsValidVote(1).ShouldBeTrue();
        schema.IsValidVote(2).ShouldBeFalse();
        schema.IsValidVote(-2).ShouldBeFalse();
    }

    [Fact]
    public void Schemas_with_the_same_names_in_the_same_order_are_equal()
    {
        new LabelSchema(["HAM", "SPAM"]).ShouldBe(new LabelSchema(["HAM", "SPAM"]));
        new LabelSchema(["HAM", "SPAM"]).GetHashCode().ShouldBe(new LabelSchema(["HAM", "SPAM"]).GetHashCode());
        new LabelSchema(["HAM", "SPAM"]).ShouldNotBe(new LabelSchema(["SPAM", "HAM"]));
    }

    [Theory]
    [InlineData(new string[0], "at least two classes, got 0")]
    [InlineData(new[] { "ONLY" }, "at least two classes, got 1")]
    [InlineData(new[] { "HAM", "HAM" }, "class name 'HAM' is repeated")]
    [InlineData(new[] { "HAM", " " }, "class 1 has an empty name")]
    [InlineData(new[] { "", "SPAM" }, "class 0 has an empty name")]
    [InlineData(new[] { "HAM", "ABSTAIN" }, "'ABSTAIN' is reserved")]
    public void A_schema_rejects_too_few_repeated_blank_or_reserved_class_names(string[] names, string expected)
    {
        var error = Should.Throw<ArgumentException>(() => new LabelSchema(names));

        error.Message.ShouldContain(expected);
        error.ParamName.ShouldBe("classNames");
    }

    [Fact]
    public void A_rejected_schema_message_is_the_reason_alone_for_readers_to_put_after_a_file_name()
    {
        Should.Throw<ArgumentException>(() => new LabelSchema(["HAM", "HAM"])).Message.ShouldBe("class name 'HAM' is repeated");
    }

    [Fact]
    public void A_numbered_schema_names_classes_by_their_labels()
    {
        LabelSchema.Numbered(3).ClassNames.ShouldBe(["0", "1", "2"]);
        LabelSchema.Numbered(1).ClassNames.ShouldBe(["0", "1"]);
    }

    [Fact]
    public void A_message_lists_twenty_of_many_classes_and_counts_the_rest()
    {
        var many = new LabelSchema(Enumerable.Range(0, 200).Select(c => $"c{c}"));

        many.Listed.ShouldBe(string.Join(", ", Enumerable.Range(0, 20).Select(c => $"c{c}={c}")) + " and 180 more");
        new LabelSchema(["HAM", "SPAM"]).Listed.ShouldBe("HAM=0, SPAM=1");
        many.ToString().ShouldContain("c199=199"); // cache keys are made from it: every class stays in it
    }

    [Fact]
    public void Two_long_class_lists_that_part_past_the_listed_ones_name_the_first_class_where_they_part()
    {
        // Given: the same 200 classes but the 151st
        var names = Enumerable.Range(0, 200).Select(c => $"c{c}").ToArray();
        var ours = new LabelSchema(names);
        names[150] = "x150";
        var theirs = new LabelSchema(names);

        // When / Then
        ours.ListedAgainst(theirs).ShouldEndWith(" and 180 more, with c150=150");
        theirs.ListedAgainst(ours).ShouldEndWith(" and 180 more, with x150=150");
        ours.ListedAgainst(new LabelSchema(["HAM", "SPAM"])).ShouldEndWith(" and 180 more");
    }
}

using ClawGroups.Coordinator.Breakers;

namespace ClawGroups.Coordinator.Tests.Breakers;

/// <summary>The creation breaker's rule for "the same work": normalized titles, then word sets overlapping by at least 0.9.</summary>
public sealed class TitleSimilarityTests
{
    [Fact]
    public void Normalizing_folds_case_punctuation_and_white_space()
        => Assert.Equal("add the csv export endpoint v2", TitleSimilarity.Normalize("  Add the CSV-export\tendpoint (v2)! "));

    [Theory]
    [InlineData("Add the export endpoint", "add the export endpoint")]
    [InlineData("Add the export endpoint", "Add the export-endpoint!")]
    [InlineData("Add the export endpoint", "Endpoint: add the export")]
    [InlineData("Ship it", "ship   it.")]
    public void The_same_words_in_any_case_order_or_punctuation_are_the_same_work(string first, string second)
        => Assert.True(TitleSimilarity.NearlySame(first, second));

    [Fact]
    public void One_word_more_in_a_long_title_is_still_the_same_work()
        => Assert.True(TitleSimilarity.NearlySame(
            "Add a CSV export of invoices to the billing page for accountants",
            "Add a CSV export of invoices to the billing page for the accountants"));

    [Theory]
    [InlineData("Add the export endpoint", "Test the export endpoint")]
    [InlineData("Add the export endpoint", "Add export endpoint")]
    [InlineData("Add the export button", "Add the export endpoint")]
    [InlineData("Index invoices by date", "Index orders by date")]
    public void A_different_word_in_a_short_title_is_different_work(string first, string second)
        => Assert.False(TitleSimilarity.NearlySame(first, second));

    [Fact]
    public void Similarity_is_shared_words_over_all_words()
    {
        var similarity = TitleSimilarity.Similarity(TitleSimilarity.Words("a b c d e f g h i"), TitleSimilarity.Words("a b c d e f g h i j"));

        Assert.Equal(0.9, similarity, precision: 10);
        Assert.Equal(0, TitleSimilarity.Similarity(TitleSimilarity.Words("?!"), TitleSimilarity.Words("a")));
    }
}

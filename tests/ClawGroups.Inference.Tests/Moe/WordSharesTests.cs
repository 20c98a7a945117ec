using ClawGroups.Inference.Moe;

namespace ClawGroups.Inference.Tests.Moe;

public sealed class WordSharesTests
{
    [Fact]
    public void The_strongest_words_come_back_in_the_item_s_order()
    {
        string[] words = ["the", "pods", "keep", "restarting", "overnight"];
        int[] wordOfPiece = [-1, 0, 1, 1, 2, 3, 3, 4];
        float[] shares = [9f, 0.5f, 0.3f, 0.4f, 0.1f, 0.2f, 0.3f, -0.2f];

        var strongest = WordShares.Strongest(words, wordOfPiece, shares, 2);

        Assert.Equal(["pods", "restarting"], strongest);
    }

    [Fact]
    public void Stop_words_and_words_that_pull_away_are_left_out()
    {
        string[] words = ["the", "invoice", "is", "late"];

        var strongest = WordShares.Strongest(words, [-1, 0, 1, 2, 3], [0f, 5f, 1f, 5f, -1f], 3);

        Assert.Equal(["invoice"], strongest);
    }

    [Fact]
    public void A_repeated_word_is_named_once_with_its_shares_summed()
    {
        string[] words = ["app", "crashes", "app"];

        var strongest = WordShares.Strongest(words, [-1, 0, 1, 2], [0f, 0.3f, 0.5f, 0.3f], 1);

        Assert.Equal(["app"], strongest);
    }
}

using ClawGroups.Inference.Tokenization;

namespace ClawGroups.Inference.Tests.Tokenization;

public sealed class WordPieceTokenizerTests
{
    private static readonly WordPieceTokenizer s_tokenizer = WordPieceTrainer.Train(
        ["match vendor payments to invoices", "the checkout button overlaps the footer on phones", "reconcile the payments"], 200);

    [Theory]
    [InlineData("The checkout button overlaps the footer on phones!")]
    [InlineData("Reconcile vendors' payments — the footer overlaps!")]
    [InlineData("")]
    public void Decoding_the_encoding_gives_back_the_normalized_words(string text)
    {
        var decoded = s_tokenizer.Decode(s_tokenizer.Encode(text));

        Assert.Equal(string.Join(' ', WordPieceTokenizer.Words(text)), decoded);
    }

    [Fact]
    public void Frequent_words_are_single_pieces()
    {
        var ids = s_tokenizer.Encode("payments");

        Assert.Equal(2, ids.Length);
        Assert.Equal(s_tokenizer.ClsId, ids[0]);
    }

    [Fact]
    public void A_word_with_an_unseen_character_becomes_one_unknown()
    {
        Assert.Equal([s_tokenizer.ClsId, s_tokenizer.UnknownId, s_tokenizer.Encode("the")[1]], s_tokenizer.Encode("日本 the"));
    }

    [Fact]
    public void Encoding_is_cut_at_the_token_limit()
    {
        Assert.Equal(4, s_tokenizer.Encode("the the the the the the", maxTokens: 4).Length);
    }

    [Fact]
    public void Saved_vocabulary_loads_to_the_same_encoding()
    {
        var path = Path.GetTempFileName();
        try
        {
            s_tokenizer.Save(path);

            var loaded = WordPieceTokenizer.Load(path);

            Assert.Equal(s_tokenizer.Encode("vendor overlaps footer"), loaded.Encode("vendor overlaps footer"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Vocabulary_without_special_tokens_is_refused()
    {
        Assert.Throws<InvalidDataException>(() => new WordPieceTokenizer(["a", "b"]));
    }

    [Fact]
    public void Accents_are_stripped_as_a_BERT_uncased_vocabulary_expects()
    {
        Assert.Equal(["cafe", "creme", "naive"], WordPieceTokenizer.Words("Café CRÈME naïve"));
    }

    [Fact]
    public void Pieces_longer_than_a_dozen_letters_are_found_whole()
    {
        var tokenizer = new WordPieceTokenizer(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "internationalization", "i", "n", "##n"]);

        Assert.Equal([tokenizer.ClsId, 4], tokenizer.Encode("internationalization"));
    }

    [Fact]
    public void Each_piece_knows_the_word_it_belongs_to()
    {
        var (ids, wordOfPiece, words) = s_tokenizer.EncodeWords("Reconcile vendor payments");

        Assert.Equal(["reconcile", "vendor", "payments"], words);
        Assert.Equal(ids.Length, wordOfPiece.Length);
        Assert.Equal(-1, wordOfPiece[0]);
        Assert.Equal(s_tokenizer.Encode("Reconcile vendor payments"), ids);
        Assert.Equal([0, 1, 2], wordOfPiece.Skip(1).Distinct());
        Assert.Equal(s_tokenizer.Encode("vendor").Length - 1, wordOfPiece.Count(word => word == 1));
    }
}

using ClawGroups.Inference.Tokenization;

namespace ClawGroups.Inference.Distillation;

/// <summary>Which pieces of the teacher's vocabulary the student keeps: those its tokenizer can produce.</summary>
public static class StudentVocabulary
{
    private static readonly string[] s_special = [WordPieceTokenizer.Pad, WordPieceTokenizer.Unknown, WordPieceTokenizer.Cls, WordPieceTokenizer.Separator, "[MASK]"];

    /// <summary>
    /// The special tokens, and pieces of Latin letters and digits only: <see cref="WordPieceTokenizer.Words"/> drops punctuation,
    /// and BERT's [unusedN] slots and other scripts' pieces would only add size (the teacher's uncased vocabulary has ~30,500).
    /// </summary>
    public static bool Keeps(string piece)
    {
        ArgumentNullException.ThrowIfNull(piece);
        if (s_special.Contains(piece, StringComparer.Ordinal))
        {
            return true;
        }

        var body = piece.StartsWith(WordPieceTokenizer.Continuation, StringComparison.Ordinal) ? piece[WordPieceTokenizer.Continuation.Length..] : piece;
        return body.Length > 0 && body.All(c => char.IsAsciiDigit(c) || (char.IsLetter(c) && c < '\u0250'));
    }
}

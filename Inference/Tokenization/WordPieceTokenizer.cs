using System.Text;

namespace ClawGroups.Inference.Tokenization;

/// <summary>
/// A WordPiece tokenizer (BERT's scheme: a word's first piece as is, later pieces prefixed "##", greedy longest
/// match) over a vocabulary trained from the corpus by <see cref="WordPieceTrainer"/>. The vocabulary is a plain
/// <c>vocab.txt</c>, one piece per line, id = line number, so other WordPiece readers can load it too.
/// </summary>
public sealed class WordPieceTokenizer
{
    public const string Pad = "[PAD]";
    public const string Cls = "[CLS]";
    public const string Unknown = "[UNK]";
    public const string Separator = "[SEP]";
    public const string Continuation = "##";
    public const string FileName = "vocab.txt";

    private readonly Dictionary<string, int> _ids;
    private readonly string[] _pieces;

    /// <summary>The longest piece's length (without "##"), which bounds the greedy search.</summary>
    private readonly int _maxPieceLength;

    public WordPieceTokenizer(IReadOnlyList<string> vocabulary)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        _pieces = [.. vocabulary];
        _ids = new Dictionary<string, int>(_pieces.Length, StringComparer.Ordinal);
        for (var id = 0; id < _pieces.Length; id++)
        {
            if (!_ids.TryAdd(_pieces[id], id))
            {
                throw new InvalidDataException($"vocab.txt: '{_pieces[id]}' appears twice (lines {_ids[_pieces[id]] + 1} and {id + 1}).");
            }
        }

        _maxPieceLength = _pieces.Max(piece => piece.StartsWith(Continuation, StringComparison.Ordinal) ? piece.Length - Continuation.Length : piece.Length);
        foreach (var special in (ReadOnlySpan<string>)[Pad, Cls, Unknown, Separator])
        {
            if (!_ids.ContainsKey(special))
            {
                throw new InvalidDataException($"vocab.txt lacks the special token {special}.");
            }
        }
    }

    public int VocabularySize => _pieces.Length;

    public int PadId => _ids[Pad];

    public int ClsId => _ids[Cls];

    public int UnknownId => _ids[Unknown];

    public static WordPieceTokenizer Load(string path) => new(File.ReadAllLines(path).Where(line => line.Length > 0).ToList());

    public void Save(string path) => File.WriteAllLines(path, _pieces);

    /// <summary>
    /// Lower-case words of letters and digits, accents stripped as BERT's uncased tokenizer strips them ("café" → "cafe"), so that
    /// a vocabulary taken from such a model spells the same words: what the tokenizer reads (and what decoding gives back).
    /// </summary>
    public static IEnumerable<string> Words(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var word = new StringBuilder();
        foreach (var c in text.Normalize(NormalizationForm.FormKC).Normalize(NormalizationForm.FormD))
        {
            if (System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            if (char.IsLetterOrDigit(c))
            {
                word.Append(char.ToLowerInvariant(c));
            }
            else if (word.Length > 0)
            {
                yield return word.ToString();
                word.Clear();
            }
        }

        if (word.Length > 0)
        {
            yield return word.ToString();
        }
    }

    /// <summary>[CLS] then the pieces of each word, cut to <paramref name="maxTokens"/> in all.</summary>
    public int[] Encode(string text, int maxTokens = int.MaxValue)
    {
        var ids = new List<int> { ClsId };
        foreach (var word in Words(text))
        {
            if (ids.Count >= maxTokens)
            {
                break;
            }

            AppendWord(word, ids);
        }

        return ids.Count > maxTokens ? ids.GetRange(0, maxTokens).ToArray() : [.. ids];
    }

    /// <summary>
    /// As <see cref="Encode"/>, with the word each piece belongs to (an index into <c>Words</c>; -1 for [CLS]), so that what the
    /// model makes of pieces can be told in words.
    /// </summary>
    public (int[] Ids, int[] WordOfPiece, IReadOnlyList<string> Words) EncodeWords(string text, int maxTokens = int.MaxValue)
    {
        var ids = new List<int> { ClsId };
        var wordOfPiece = new List<int> { -1 };
        var words = Words(text).ToList();
        for (var w = 0; w < words.Count && ids.Count < maxTokens; w++)
        {
            AppendWord(words[w], ids);
            wordOfPiece.AddRange(Enumerable.Repeat(w, ids.Count - wordOfPiece.Count));
        }

        var length = Math.Min(maxTokens, ids.Count);
        return ([.. ids.Take(length)], [.. wordOfPiece.Take(length)], words);
    }

    /// <summary>The words back from ids, joined by single spaces; special tokens other than [UNK] are skipped.</summary>
    public string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var text = new StringBuilder();
        foreach (var id in ids)
        {
            var piece = _pieces[id];
            if (piece is Pad or Cls or Separator)
            {
                continue;
            }

            if (piece.StartsWith(Continuation, StringComparison.Ordinal))
            {
                text.Append(piece.AsSpan(Continuation.Length));
            }
            else
            {
                text.Append(text.Length > 0 ? " " : string.Empty).Append(piece);
            }
        }

        return text.ToString();
    }

    private void AppendWord(string word, List<int> ids)
    {
        var start = ids.Count;
        for (var position = 0; position < word.Length;)
        {
            var found = -1;
            for (var end = Math.Min(word.Length, position + _maxPieceLength); end > position && found < 0; end--)
            {
                var piece = position == 0 ? word[..end] : Continuation + word[position..end];
                if (_ids.TryGetValue(piece, out var id))
                {
                    found = id;
                    position = end;
                }
            }

            if (found < 0)
            {
                // As BERT does: a word with a character the vocabulary cannot spell becomes one [UNK].
                ids.RemoveRange(start, ids.Count - start);
                ids.Add(UnknownId);
                return;
            }

            ids.Add(found);
        }
    }
}

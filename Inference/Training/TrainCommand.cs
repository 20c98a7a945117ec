using System.Diagnostics;
using ClawGroups.Inference.Corpus;
using ClawGroups.Inference.Evaluation;
using ClawGroups.Inference.Moe;

namespace ClawGroups.Inference.Training;

/// <summary>
/// <c>train [--out Inference/Weights] [--corpus Inference/Corpus/data] [--seed 5] [--steps 450] [--batch 32] [--lr 0.003] [--vocab 3000]</c>:
/// trains on the training split, writes the weights folder, then evaluates on the held-out split.
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
        var folder = options.Text("out", Path.Combine("Inference", "Weights"));
        var clock = Stopwatch.StartNew();
        var (network, tokenizer) = new SkillTrainer(trainOptions, output).Train(corpus);
        output.WriteLine($"trained in {clock.Elapsed.TotalSeconds:F0}s; {network.parameters().Sum(p => p.numel()):N0} parameters");
        using var model = new MoeSkillModel(network, tokenizer);
        var report = EvalCommand.Report(model, corpus, RealStyleEvalSet.Load(corpusFolder));
        network.HeadsConfig.Provenance["command"] = $"dotnet run --project Inference -c Release -- train --seed {trainOptions.Seed} --steps {trainOptions.Steps} --batch {trainOptions.BatchSize} --lr {trainOptions.LearningRate.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        network.HeadsConfig.Provenance["eval"] = report.Split('\n')[^1].Trim();
        SkillModelFiles.Save(folder, network, tokenizer);
        output.WriteLine($"wrote {Path.GetFullPath(folder)}");
        output.WriteLine(report);
        return 0;
    }
}

using TorchSharp;

namespace ClawGroups.Inference;

/// <summary>Dispatches the commands of the Inference program.</summary>
public static class InferenceCommandLine
{
    public static Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        cancellationToken.ThrowIfCancellationRequested();

        switch (args.FirstOrDefault())
        {
            case "info":
                output.WriteLine(TorchRuntime.Describe());
                return Task.FromResult(0);
            case "corpus":
                return Task.FromResult(Corpus.CorpusCommand.Run(new CommandOptions(args.Skip(1)), output));
            case "train":
                return Task.FromResult(Training.TrainCommand.Run(new CommandOptions(args.Skip(1)), output));
            case "eval":
                return Task.FromResult(Evaluation.EvalCommand.Run(new CommandOptions(args.Skip(1)), output));
            case "tune-eval":
                return Task.FromResult(Evaluation.TuneEvalCommand.Run(new CommandOptions(args.Skip(1)), output));
            case "bench":
                return Task.FromResult(Benchmarks.BenchCommand.Run(new CommandOptions(args.Skip(1)), output));
            case "bench-encoder":
                return Task.FromResult(Benchmarks.EncoderRateBench.Run(new CommandOptions(args.Skip(1)), output));
            default:
                output.WriteLine("usage: ClawGroups.Inference <command>");
                output.WriteLine("  info    load TorchSharp and print the libtorch build and device in use");
                output.WriteLine("  corpus  regenerate Inference/Corpus/data from Inference/Corpus/areas.txt");
                output.WriteLine("  train   train the MoE skill model on the corpus; writes Inference/Weights (--out, --seed, --steps)");
                output.WriteLine("  eval    held-out skill mAP, duration error, throughput, and routing accuracy@1 against the lexical baseline");
                output.WriteLine("  tune-eval  fine-tune a head on half the real-style tasks: the other half and the base skills, before and after");
                output.WriteLine("  bench   load time, MoE vs dense forward, scoring latency 1×300 and 4,000×300, peak memory");
                output.WriteLine("  bench-encoder  the MoE encoder's FLOP rate at batch 128 against a matmul probe of its shapes and a dense model of equal total parameters (--batch, --repeats)");
                return Task.FromResult(args.Length == 0 ? 0 : 2);
        }
    }
}

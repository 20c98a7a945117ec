using System.Globalization;

namespace ClawGroups.Inference.Training;

/// <summary>
/// <see cref="TrainOptions"/> as the train command reads them (<c>--seed 5 --route-steps 3000 …</c>) and writes them back:
/// the command line that repeats a run, for the weights' provenance. The library keeps the knobs; the command line keeps
/// their spelling.
/// </summary>
public static class TrainOptionsOnTheCommandLine
{
    extension(TrainOptions)
    {
        public static TrainOptions From(CommandOptions options)
        {
            ArgumentNullException.ThrowIfNull(options);
            var defaults = new TrainOptions();
            return new TrainOptions
            {
                Seed = options.Int("seed", defaults.Seed),
                DistillSteps = options.Int("distill-steps", defaults.DistillSteps),
                DistillBatch = options.Int("distill-batch", defaults.DistillBatch),
                DistillLearningRate = options.Double("distill-lr", defaults.DistillLearningRate),
                RouteSteps = options.Int("route-steps", defaults.RouteSteps),
                RouteBatch = options.Int("route-batch", defaults.RouteBatch),
                RouteLearningRate = options.Double("route-lr", defaults.RouteLearningRate),
                RouteDistillWeight = options.Double("route-distill", defaults.RouteDistillWeight),
                RouteFreezeBelow = options.Int("route-freeze-below", defaults.RouteFreezeBelow),
                RouteWordDropout = options.Double("route-word-dropout", defaults.RouteWordDropout),
                RouteExtraPerArea = options.Int("route-extra", defaults.RouteExtraPerArea),
                Init = options.Text("init", string.Empty) is { Length: > 0 } init ? init : null,
                SaveDistilled = options.Text("save-distilled", string.Empty) is { Length: > 0 } save ? save : null,
                HiddenSize = options.Int("hidden", defaults.HiddenSize),
                BiasUpdateRate = options.Double("bias-rate", defaults.BiasUpdateRate),
            };
        }
    }

    extension(TrainOptions run)
    {
        /// <summary>The command line that repeats this run, for the weights' provenance.</summary>
        public string CommandLine() => string.Create(CultureInfo.InvariantCulture,
            $"train --seed {run.Seed} --distill-steps {run.DistillSteps} --distill-batch {run.DistillBatch} --distill-lr {run.DistillLearningRate} " +
            $"--route-steps {run.RouteSteps} --route-batch {run.RouteBatch} --route-lr {run.RouteLearningRate} --route-distill {run.RouteDistillWeight} " +
            $"--route-freeze-below {run.RouteFreezeBelow} --route-word-dropout {run.RouteWordDropout} --route-extra {run.RouteExtraPerArea} --hidden {run.HiddenSize}{(run.Init is null ? string.Empty : " --init " + run.Init)}");
    }
}

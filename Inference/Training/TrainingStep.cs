using ClawGroups.Inference.Moe;
using static TorchSharp.torch;

namespace ClawGroups.Inference.Training;

/// <summary>
/// One optimiser step of either training phase: gradients of the loss, clipped to norm 1 over the parameters that learn, the
/// phase's learning-rate schedule (<see cref="LearningRate"/>), then the routers' load-balancing biases, as DeepSeek-V3 moves
/// them after each step.
/// </summary>
public static class TrainingStep
{
    public static void Apply(SkillNetwork network, AdamWOptimizer optimizer, Tensor loss, double peakLearningRate, int step, int steps, double biasRate)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(loss);
        optimizer.ZeroGrad();
        loss.backward();
        nn.utils.clip_grad_norm_(network.parameters().Where(p => p.requires_grad), 1.0);
        optimizer.LearningRate = peakLearningRate * LearningRate.Factor(step, steps);
        optimizer.Step();
        network.UpdateLoadBalanceBias(biasRate);
    }
}

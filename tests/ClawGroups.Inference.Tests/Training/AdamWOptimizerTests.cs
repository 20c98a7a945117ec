using ClawGroups.Inference.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ClawGroups.Inference.Tests.Training;

public sealed class AdamWOptimizerTests
{
    [Fact]
    public void Steps_as_TorchSharps_AdamW_does()
    {
        var (ours, theirs) = (Problem(), Problem());
        using var optimizer = new AdamWOptimizer(ours, learningRate: 0.05, weightDecay: 0.1);
        using var reference = optim.AdamW(theirs, lr: 0.05, weight_decay: 0.1);

        for (var step = 0; step < 20; step++)
        {
            optimizer.ZeroGrad();
            Loss(ours).backward();
            optimizer.Step();
            reference.zero_grad();
            Loss(theirs).backward();
            reference.step();
        }

        Assert.True(ours[0].allclose(theirs[0], rtol: 1e-5, atol: 1e-6), $"{ours[0].ToString(TorchSharp.TensorStringStyle.Julia)} vs {theirs[0].ToString(TorchSharp.TensorStringStyle.Julia)}");
        Assert.True(ours[1].allclose(theirs[1], rtol: 1e-5, atol: 1e-6));
        Assert.False(ours[0].allclose(Problem()[0]), "the parameters did not move");
    }

    [Fact]
    public void A_new_learning_rate_applies_from_the_next_step()
    {
        var parameters = Problem();
        using var optimizer = new AdamWOptimizer(parameters, learningRate: 0.05, weightDecay: 0);
        optimizer.LearningRate = 0;

        optimizer.ZeroGrad();
        Loss(parameters).backward();
        optimizer.Step();

        Assert.True(parameters[0].allclose(Problem()[0], rtol: 0, atol: 0));
    }

    [Fact]
    public void Parameters_without_a_gradient_are_left_alone()
    {
        var parameters = Problem();
        using var optimizer = new AdamWOptimizer(parameters, learningRate: 0.05, weightDecay: 0.1);

        optimizer.Step();

        Assert.True(parameters[0].allclose(Problem()[0], rtol: 0, atol: 0));
    }

    /// <summary>A least-squares fit with fixed data, so both optimisers see the same gradients.</summary>
    private static Parameter[] Problem()
    {
        var generator = new Generator(7);
        return [new Parameter(randn([3, 4], generator: generator)), new Parameter(randn([3], generator: generator))];
    }

    private static Tensor Loss(Parameter[] p)
    {
        var generator = new Generator(11);
        var inputs = randn([16, 4], generator: generator);
        var targets = randn([16, 3], generator: generator);
        return nn.functional.mse_loss(nn.functional.linear(inputs, p[0], p[1]), targets);
    }
}

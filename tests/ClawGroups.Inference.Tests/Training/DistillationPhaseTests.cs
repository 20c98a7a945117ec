namespace ClawGroups.Inference.Tests.Training;

public sealed class DistillationPhaseTests
{
    [Fact]
    public void The_student_comes_to_read_texts_it_never_trained_on_as_the_teacher_does()
    {
        using var distillation = new TinyDistillation();
        var before = distillation.Phase.CheckCosine();

        distillation.Phase.Run(steps: 150, learningRate: 3e-3, biasRate: 1e-3, TextWriter.Null);

        var after = distillation.Phase.CheckCosine();
        Assert.True(after > before + 0.2, $"check cosine {before:F3} → {after:F3}");
    }
}

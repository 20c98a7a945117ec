namespace ClawGroups.Inference.Training;

/// <summary>Linear warm-up over 5 % of a phase's steps, then cosine decay to a tenth of the peak.</summary>
public static class LearningRate
{
    public static double Factor(int step, int steps)
    {
        var warmup = Math.Max(1, steps / 20);
        var progress = Math.Clamp((double)(step - warmup) / Math.Max(1, steps - warmup), 0, 1);
        return step < warmup ? (double)step / warmup : 0.1 + (0.9 * 0.5 * (1 + Math.Cos(Math.PI * progress)));
    }
}

using ClawGroups.Inference.Tuning;
using static TorchSharp.torch;

namespace ClawGroups.Inference.Tests.Tuning;

/// <summary>The card scores the tuner learns and judges by, against the obvious [items, skills, cards] masking they replace.</summary>
public sealed class CardLogitsTests
{
    // Seven skills of four cards, numbered as the tuner numbers them (a card's skills together, cards in order).
    private static readonly long[] Owners = [0, 0, 1, 2, 2, 2, 3];
    private const int Cards = 4;
    private const double Temperature = 0.05;

    [Fact]
    public void Card_logits_and_their_gradients_equal_the_masked_log_sum_exp_over_each_cards_skills()
    {
        using var scope = NewDisposeScope();
        var closeness = Closeness(items: 9, seed: 3);
        var leaf = closeness.detach().requires_grad_();
        var masked = closeness.detach().requires_grad_();

        var logits = CardLogits.Of(leaf, CardLogits.Ownership(Owners, Cards), Temperature);
        var reference = Masked(masked);
        (logits * Weights(logits.shape)).sum().backward();
        (reference * Weights(reference.shape)).sum().backward();

        Assert.Equal(new long[] { 9, Cards }, logits.shape);
        AssertClose(reference, logits);
        AssertClose(masked.grad!, leaf.grad!);
    }

    [Fact]
    public void A_card_far_below_the_best_skill_keeps_a_finite_logit()
    {
        using var scope = NewDisposeScope();
        // Card 3's only skill is 2 below the best: 40 units after the temperature, e^-40 still in float's range; at a
        // temperature of 0.005 it is 400 units down, past float's range, and is held at the floor instead of −∞.
        var closeness = tensor(new float[] { 1, 1, 1, 1, 1, 1, -1 }, [1, 7]);

        var logits = CardLogits.Of(closeness, CardLogits.Ownership(Owners, Cards), 0.005);

        Assert.True(logits.isfinite().all().item<bool>());
        Assert.True(logits[0, 3].item<float>() < logits[0, 0].item<float>() - 60);
    }

    [Fact]
    public void The_top_card_is_the_card_whose_closest_skill_is_closest()
    {
        using var scope = NewDisposeScope();
        var closeness = Closeness(items: 50, seed: 11);

        var top = CardLogits.TopCards(closeness, tensor(Owners));

        var reference = closeness.unsqueeze(2).Plus(OwnerLogMask().unsqueeze(0)).amax(1).argmax(1);
        Assert.Equal(reference.data<long>().ToArray(), top.data<long>().ToArray());
    }

    private static Tensor Closeness(int items, int seed)
    {
        using var generator = new TorchSharp.torch.Generator((ulong)seed);
        return rand([items, Owners.Length], generator: generator).Times(2).Minus(1);
    }

    private static Tensor Weights(long[] shape)
    {
        using var generator = new TorchSharp.torch.Generator(5);
        return rand(shape, generator: generator);
    }

    /// <summary>What the tuner computed before: every skill masked out of every card but its own, [items, skills, cards].</summary>
    private static Tensor Masked(Tensor closeness) =>
        closeness.DividedBy(Temperature).unsqueeze(2).Plus(OwnerLogMask().unsqueeze(0)).logsumexp(1);

    /// <summary>[skills, cards]: 0 where the skill is the card's, −∞ elsewhere.</summary>
    private static Tensor OwnerLogMask()
    {
        var mask = new float[Owners.Length * Cards];
        Array.Fill(mask, float.NegativeInfinity);
        for (var skill = 0; skill < Owners.Length; skill++)
            mask[(skill * Cards) + Owners[skill]] = 0;
        return tensor(mask, [Owners.Length, Cards]);
    }

    private static void AssertClose(Tensor expected, Tensor actual)
    {
        var difference = (expected - actual).abs().max().item<float>();
        Assert.True(difference < 1e-4, $"largest difference {difference}");
    }
}

using static TorchSharp.torch;

namespace ClawGroups.Inference.Tuning;

/// <summary>
/// A card's score for an item from its skills' scores: the log-sum-exp of its skills' closeness (÷ temperature) for the
/// tuning loss, its closest skill for accuracy. Each skill belongs to one card, so both are computed on [items, skills] and
/// [items, cards] only. Masking every skill for every card instead ([items, skills, cards]) is the obvious way and cost the
/// server gigabytes: 300 agents' cards and 3,200 learned items made 2.3 GB per intermediate, several of them kept for the
/// backward pass, and an hourly tuning of the swarm's group took the server from 1.9 to 7.6 GB (docs/PERFORMANCE.md).
/// </summary>
public static class CardLogits
{
    /// <summary>[skills, cards]: 1 where the skill is the card's, 0 elsewhere.</summary>
    public static Tensor Ownership(long[] owners, int cards)
    {
        ArgumentNullException.ThrowIfNull(owners);
        var ownership = new float[owners.Length * cards];
        for (var skill = 0; skill < owners.Length; skill++)
        {
            ownership[(skill * cards) + owners[skill]] = 1;
        }

        return tensor(ownership, [owners.Length, cards]);
    }

    /// <summary>
    /// [items, cards]: per item, the log-sum-exp over each card's skills of closeness ÷ temperature. Shifted by each item's
    /// best skill (no gradient flows through the shift: log-sum-exp's value and gradient do not depend on it), so the sums
    /// stay in range; a card whose skills all sit ~87 units (float's range) below the best would sum to 0, and is held at
    /// a tiny sum rather than −∞, which would make the loss infinite.
    /// </summary>
    /// <param name="closeness">[items, skills].</param>
    /// <param name="ownership">[skills, cards], from <see cref="Ownership"/>.</param>
    public static Tensor Of(Tensor closeness, Tensor ownership, double temperature)
    {
        ArgumentNullException.ThrowIfNull(closeness);
        var scaled = closeness.DividedBy(temperature);
        var shift = scaled.detach().amax([1], keepdim: true);
        return (scaled - shift).exp().matmul(ownership).AtLeast(SmallestSum).log().Plus(shift);
    }

    /// <summary>[items]: the card of each item's closest skill, which is the card whose closest skill is closest.</summary>
    public static Tensor TopCards(Tensor closeness, Tensor owners)
    {
        ArgumentNullException.ThrowIfNull(closeness);
        ArgumentNullException.ThrowIfNull(owners);
        return owners.index(closeness.argmax(1));
    }

    private const double SmallestSum = 1e-30;
}

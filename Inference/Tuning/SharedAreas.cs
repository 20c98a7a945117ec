using ClawGroups.Inference.Moe;
using static TorchSharp.torch;

namespace ClawGroups.Inference.Tuning;

/// <summary>
/// The served affinity's area term (<see cref="SkillHeadsConfig.AreaWeight"/>) between fixed texts and skills. A tuned head
/// changes only the embeddings; the areas the skills head reads stay as they are, so they are computed once per tuning.
/// Without this term, tuning would measure and learn a score that is not the one the group is served.
/// </summary>
internal sealed class SharedAreas
{
    /// <summary>[texts, skills]: the dot product of the two sides' area probabilities as unit vectors.</summary>
    private readonly Tensor _agreement;
    private readonly double _weight;

    private SharedAreas(Tensor agreement, double weight) => (_agreement, _weight) = (agreement, weight);

    /// <param name="texts">Pooled readings of the texts, [texts, hidden].</param>
    /// <param name="skills">Pooled readings of the skills, [skills, hidden].</param>
    public static SharedAreas Of(MoeSkillModel model, Tensor texts, Tensor skills)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var noGrad = no_grad();
        return new SharedAreas(model.Areas(texts).matmul(model.Areas(skills).t()), model.AreaWeight);
    }

    /// <summary>
    /// [texts, skills] from the embedded texts and skills: the served affinity (<see cref="MoeSkillModel.Affinity"/>) stretched from
    /// [0, 1] onto the cosine's range. Without an area weight it is the cosine itself, so the head's temperature keeps its meaning.
    /// </summary>
    public Tensor Closeness(Tensor embeddedTexts, Tensor embeddedSkills)
    {
        ArgumentNullException.ThrowIfNull(embeddedTexts);
        ArgumentNullException.ThrowIfNull(embeddedSkills);
        var cosines = embeddedTexts.matmul(embeddedSkills.t());
        return _weight == 0 ? cosines : MoeSkillModel.Affinity(cosines, _agreement, _weight).Times(2).Minus(1);
    }
}

using ClawGroups.Inference.Corpus;
using ClawGroups.Inference.Moe;
using ClawGroups.Inference.Tuning;

namespace ClawGroups.Inference.Skills;

/// <summary>
/// The skill models this process serves: the default one every group starts with, and, when the MoE model is
/// loaded, the same model with a group's fine-tuned head (composed the way the default is, e.g. blended with the
/// lexical baseline) and the tuner that makes such heads. With the lexical model alone there is nothing to tune.
/// Built around a loaded MoE model, it owns the model and what it composed, and disposes them (the network once,
/// however many disposals reach it); heads are views that own nothing.
/// </summary>
public sealed class SkillModels : IDisposable
{
    private readonly Func<ISkillModel, ISkillModel> _compose;
    private readonly Lazy<SkillHeadTuner>? _tuner;

    /// <summary>A default model with nothing to tune (the lexical baseline, or a model a test supplies), owned by the caller.</summary>
    public SkillModels(ISkillModel defaultModel)
    {
        Default = defaultModel ?? throw new ArgumentNullException(nameof(defaultModel));
        _compose = model => model;
    }

    /// <param name="moe">The loaded MoE model.</param>
    /// <param name="compose">Makes the served model out of an MoE model: itself, or a blend with the lexical baseline.</param>
    /// <param name="corpus">Where the tuner's replay of the base skills comes from, read on the first tuning.</param>
    public SkillModels(MoeSkillModel moe, Func<ISkillModel, ISkillModel> compose, Func<SkillCorpus> corpus, TuningOptions tuning)
    {
        ArgumentNullException.ThrowIfNull(compose);
        ArgumentNullException.ThrowIfNull(corpus);
        Moe = moe ?? throw new ArgumentNullException(nameof(moe));
        _compose = compose;
        Default = compose(moe);
        _tuner = new(() => new SkillHeadTuner(moe, corpus(), tuning), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public ISkillModel Default { get; }

    public MoeSkillModel? Moe { get; }

    /// <summary>The tuner, or null when no MoE model is loaded.</summary>
    public SkillHeadTuner? Tuner => _tuner?.Value;

    /// <summary>The served model with a group's head; the default when there is no MoE model to put it on.</summary>
    public ISkillModel WithHead(TunedHead head) => Moe is null ? Default : _compose(Moe.WithHead(head));

    public void Dispose()
    {
        // Only what the MoE constructor composed is this object's to free.
        if (Moe is not null)
        {
            (Default as IDisposable)?.Dispose();
            Moe.Dispose();
        }
    }
}

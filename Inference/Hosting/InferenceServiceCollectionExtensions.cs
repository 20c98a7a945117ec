using ClawGroups.Inference.Corpus;
using ClawGroups.Inference.Lexical;
using ClawGroups.Inference.Moe;
using ClawGroups.Inference.Skills;
using ClawGroups.Inference.Tuning;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClawGroups.Inference.Hosting;

public static class InferenceServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ISkillModel"/> as a singleton: the MoE model by default, blended with the lexical baseline or the
    /// baseline alone when so configured, or (with a warning) the lexical baseline when no weights are found and no model was named.
    /// </summary>
    public static IHostApplicationBuilder AddInference(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<InferenceOptions>()
            .BindConfiguration(InferenceOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHostedService<NativeMemoryTrim>();
        builder.Services.AddSingleton(services => Create(
            services.GetRequiredService<IOptions<InferenceOptions>>().Value,
            services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(InferenceServiceCollectionExtensions).FullName!)));
        builder.Services.AddSingleton(services => services.GetRequiredService<SkillModels>().Default);
        return builder;
    }

    internal static SkillModels Create(InferenceOptions options, ILogger logger)
    {
        var folder = string.IsNullOrWhiteSpace(options.WeightsPath) ? SkillModelFiles.DefaultFolder() : options.WeightsPath;
        switch (options.Model)
        {
            case InferenceOptions.Lexical:
                return new SkillModels(new LexicalSkillModel());
            case InferenceOptions.Moe:
                return SkillModelFiles.Exists(folder)
                    ? WithMoe(folder, moe => moe)
                    : throw new InvalidOperationException($"ClawGroups:Inference:Model is 'moe' but '{folder}' has no weights; run the `train` command or choose 'lexical'.");
            case InferenceOptions.Blend:
                return SkillModelFiles.Exists(folder)
                    ? WithMoe(folder, Blend)
                    : throw new InvalidOperationException($"ClawGroups:Inference:Model is 'blend' but '{folder}' has no weights; run the `train` command or choose 'lexical'.");
            default:
                // The MoE model alone by default: since it learned language from a pretrained teacher it routes people's words
                // far better than the lexical baseline, and blending in the baseline only costs accuracy (docs/PERFORMANCE.md,
                // chosen on the real-style set's dev half).
                if (SkillModelFiles.Exists(folder))
                {
                    logger.LogInformation("Skill model: the MoE model from {Folder}.", folder);
                    return WithMoe(folder, moe => moe);
                }

                logger.LogWarning("Skill model: lexical, because {Folder} has no MoE weights (run the `train` command).", folder);
                return new SkillModels(new LexicalSkillModel());
        }
    }

    private static ISkillModel Blend(ISkillModel moe) => new BlendedSkillModel(moe, new LexicalSkillModel(), BlendedSkillModel.ServedMoeWeight);

    private static SkillModels WithMoe(string folder, Func<ISkillModel, ISkillModel> compose)
    {
        // Before the first tensor: OpenMP reads its wait policy when libtorch loads.
        OpenMpWaitPolicy.PreferPassive();
        return new(MoeSkillModel.Load(folder), compose, () => SkillCorpus.Load(SkillCorpus.DefaultFolder()), new TuningOptions());
    }
}

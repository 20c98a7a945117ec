using ClawGroups.Inference.Lexical;
using ClawGroups.Inference.Moe;
using ClawGroups.Inference.Skills;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClawGroups.Inference.Hosting;

public static class InferenceServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ISkillModel"/> as a singleton: the MoE model from its weights folder, or the lexical
    /// baseline when so configured or (with a warning) when no weights are found and no model was named.
    /// </summary>
    public static IHostApplicationBuilder AddInference(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<InferenceOptions>()
            .BindConfiguration(InferenceOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<ISkillModel>(services => Create(
            services.GetRequiredService<IOptions<InferenceOptions>>().Value,
            services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(InferenceServiceCollectionExtensions).FullName!)));
        return builder;
    }

    internal static ISkillModel Create(InferenceOptions options, ILogger logger)
    {
        var folder = string.IsNullOrWhiteSpace(options.WeightsPath) ? SkillModelFiles.DefaultFolder() : options.WeightsPath;
        switch (options.Model)
        {
            case InferenceOptions.Lexical:
                return new LexicalSkillModel();
            case InferenceOptions.Moe:
                return SkillModelFiles.Exists(folder)
                    ? MoeSkillModel.Load(folder)
                    : throw new InvalidOperationException($"ClawGroups:Inference:Model is 'moe' but '{folder}' has no weights; run the `train` command or choose 'lexical'.");
            case InferenceOptions.Blend:
                return SkillModelFiles.Exists(folder)
                    ? new BlendedSkillModel(MoeSkillModel.Load(folder), new LexicalSkillModel(), Evaluation.EvalCommand.BlendWeight)
                    : throw new InvalidOperationException($"ClawGroups:Inference:Model is 'blend' but '{folder}' has no weights; run the `train` command or choose 'lexical'.");
            default:
                // Lexical until the MoE model also wins on real-style profiles, not only on the held-out corpus:
                // on the simulator's profiles it still sends "reconcile the invoices" to a front-end agent.
                logger.LogInformation("Skill model: lexical (set ClawGroups:Inference:Model to 'moe' or 'blend' to use the MoE model).");
                return new LexicalSkillModel();
        }
    }
}

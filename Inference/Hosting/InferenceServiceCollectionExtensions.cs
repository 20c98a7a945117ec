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
            default:
                if (SkillModelFiles.Exists(folder))
                {
                    return MoeSkillModel.Load(folder);
                }

                logger.LogWarning("No skill model weights in {WeightsPath}; using the lexical baseline.", folder);
                return new LexicalSkillModel();
        }
    }
}

using System.ComponentModel.DataAnnotations;

namespace ClawGroups.Inference.Hosting;

/// <summary>The <c>ClawGroups:Inference</c> configuration section.</summary>
public sealed class InferenceOptions
{
    public const string SectionName = "ClawGroups:Inference";
    public const string Moe = "moe";
    public const string Lexical = "lexical";
    public const string Blend = "blend";

    /// <summary>
    /// <c>moe</c> (the local MoE model; the default when empty, or lexical alone when no weights are found), <c>blend</c>
    /// (the MoE model and the lexical baseline together), or <c>lexical</c>.
    /// </summary>
    [RegularExpression("^(|blend|moe|lexical)$", ErrorMessage = "ClawGroups:Inference:Model must be 'moe', 'blend' or 'lexical' (or empty for automatic).")]
    public string? Model { get; set; }

    /// <summary>Only <c>cpu</c> is served to this project (see docs/decisions/0003-torch-backend.md).</summary>
    [RegularExpression("^cpu$", ErrorMessage = "ClawGroups:Inference:Device must be 'cpu' in this build.")]
    public string Device { get; set; } = "cpu";

    /// <summary>The weights folder; empty means the one shipped next to the program.</summary>
    public string? WeightsPath { get; set; }

    /// <summary>
    /// How often, in seconds, the native heap's free pages go back to the system on Linux (<see cref="NativeMemoryTrim"/>);
    /// 0 never.
    /// </summary>
    [Range(0, 3600, ErrorMessage = "ClawGroups:Inference:NativeTrimSeconds must be from 0 (never) to 3600.")]
    public int NativeTrimSeconds { get; set; } = 10;
}

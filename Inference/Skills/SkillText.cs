using System.Security.Cryptography;
using System.Text;

namespace ClawGroups.Inference.Skills;

/// <summary>
/// The plain text that the models read of a skill, a profile and a work item, and a content hash of a profile,
/// so that the lexical and the MoE model see the same words and cache by the same key.
/// </summary>
public static class SkillText
{
    public static string Of(SkillEntry skill)
    {
        ArgumentNullException.ThrowIfNull(skill);
        return Join(skill.Name, skill.Description, string.Join(' ', skill.Tags), string.Join(". ", skill.Examples));
    }

    public static string Of(SkillProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return Join(profile.Name, profile.Description, string.Join(". ", profile.Skills.Select(Of)));
    }

    /// <summary>What the encoder reads of an item; readings of it are kept, so a change here is a new <see cref="Moe.EncoderFingerprint.ReadingFormat"/>.</summary>
    public static string Of(WorkItemText item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return Join(item.Title, item.Description, string.Join(' ', item.RequiredSkills));
    }

    /// <summary>A stable hash of everything the models read of the profile (not its member id), for caches.</summary>
    public static string ContentHash(SkillProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var text = new StringBuilder().Append(Of(profile));
        foreach (var skill in profile.Skills)
        {
            text.Append('\u001f').Append(skill.Id).Append('\u001f').Append(skill.Level.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        }

        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static string Join(params string?[] parts) =>
        string.Join(". ", parts.Where(part => !string.IsNullOrWhiteSpace(part)).Select(part => part!.Trim().TrimEnd('.')));
}

using System.Security.Cryptography;

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

    /// <summary>
    /// A stable hash of everything the models read of the profile (not its member id), for the models' in-memory caches. Each
    /// field goes into the hash as it is, after its length, so that no two different cards hash alike by where their words
    /// part. Written field by field, not as the text the models read: a pass hashes every card it weighs, and building each
    /// card's text to hash it was ~4 % of all a swarm's server allocated (docs/PERFORMANCE.md, "Fewer bytes an agent call;
    /// the MoE's experts side by side").
    /// </summary>
    public static string ContentHash(SkillProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        FieldHash.Append(hash, profile.Name);
        FieldHash.Append(hash, profile.Description);
        FieldHash.Append(hash, profile.Skills.Count);
        foreach (var skill in profile.Skills)
        {
            FieldHash.AppendSkill(hash, skill.Id, skill.Name, skill.Description, skill.Tags, skill.Examples);
            FieldHash.Append(hash, BitConverter.DoubleToInt64Bits(skill.Level));
        }

        return FieldHash.HexAndReset(hash);
    }

    private static string Join(params string?[] parts) =>
        string.Join(". ", parts.Where(part => !string.IsNullOrWhiteSpace(part)).Select(part => part!.Trim().TrimEnd('.')));
}

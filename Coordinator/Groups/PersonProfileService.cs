using System.Text.Json;
using ClawGroups.Coordinator.Access;
using ClawGroups.Coordinator.Agents;
using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.Live;
using ClawGroups.Coordinator.Signals;
using ClawGroups.Data.Database;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Groups;

/// <summary>
/// A person's profile in a group: the skills and capacity the coordinator routes work to them by, and whether it may at all.
/// The API and the workspace's profile form both come here.
/// </summary>
public sealed class PersonProfileService(ClawDbContext context, LiveChanges liveChanges, IWorkSignals signals, TimeProvider time)
{
    public async Task<Outcome<PersonProfileView>> GetAsync(Caller caller, Guid groupId, CancellationToken cancellationToken)
    {
        if (await MembershipAsync(caller, groupId, cancellationToken) is { } denied)
        {
            return denied;
        }

        return await ViewAsync(caller.Id, groupId, cancellationToken);
    }

    /// <summary>Sets what the body names (<see cref="PersonProfileRequest"/>); what it leaves out stays.</summary>
    public async Task<Outcome<PersonProfileView>> UpdateAsync(Caller caller, Guid groupId, JsonElement body, CancellationToken cancellationToken)
    {
        if (await MembershipAsync(caller, groupId, cancellationToken) is { } denied)
        {
            return denied;
        }

        if (body.ValueKind != JsonValueKind.Object)
        {
            return Failure.Invalid("$", "The profile must be a JSON object.");
        }

        var errors = new Dictionary<string, string[]>();
        var skills = body.TryGetProperty("skills", out var given) && given.ValueKind != JsonValueKind.Null ? AgentCard.SkillsOf(body, errors) : null;
        int? capacity = null;
        if (body.TryGetProperty("capacity", out var capacityElement) && capacityElement.ValueKind != JsonValueKind.Null)
        {
            if (capacityElement.ValueKind != JsonValueKind.Number || !capacityElement.TryGetInt32(out var value) || value is < 0 or > PersonSkills.MaxCapacity)
            {
                errors["capacity"] = [$"capacity must be a whole number from 0 to {PersonSkills.MaxCapacity}."];
            }
            else
            {
                capacity = value;
            }
        }

        bool? acceptsWork = null;
        if (body.TryGetProperty("acceptsWork", out var acceptsElement) && acceptsElement.ValueKind != JsonValueKind.Null)
        {
            if (acceptsElement.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                errors["acceptsWork"] = ["acceptsWork must be true or false."];
            }
            else
            {
                acceptsWork = acceptsElement.GetBoolean();
            }
        }

        if (errors.Count > 0)
        {
            return Failure.Invalid(errors);
        }

        var member = await context.GroupMembers.SingleAsync(m => m.GroupId == groupId && m.UserId == caller.Id, cancellationToken);
        member.SkillsJson = skills is null ? member.SkillsJson : PersonSkills.Write(skills);
        member.Capacity = capacity ?? member.Capacity;
        member.AcceptsWork = acceptsWork ?? member.AcceptsWork;
        member.ProfileUpdatedAt = time.GetUtcNow();
        await context.SaveChangesAsync(cancellationToken);
        liveChanges.Add(LiveChange.Human(groupId, caller.Id));
        // A person who now takes work may be the one a waiting item needs.
        signals.AssignmentNeeded(groupId);
        return await ViewAsync(caller.Id, groupId, cancellationToken);
    }

    /// <summary>Only the person themself, and only in a group they belong to (the instance owner has no profile in others' groups).</summary>
    private async Task<Failure?> MembershipAsync(Caller caller, Guid groupId, CancellationToken cancellationToken)
    {
        if (GroupAccess.RequireHuman(caller) is { } notHuman)
        {
            return notHuman;
        }

        if (await context.CheckGroupAccessAsync(caller, groupId, cancellationToken) is { } denied)
        {
            return denied;
        }

        return await context.GroupMembers.AnyAsync(m => m.GroupId == groupId && m.UserId == caller.Id, cancellationToken)
            ? null
            : Failure.Forbidden("Only a member of the group has a profile in it.");
    }

    private async Task<PersonProfileView> ViewAsync(Guid userId, Guid groupId, CancellationToken cancellationToken)
    {
        var member = await context.GroupMembers.AsNoTracking()
            .Where(m => m.GroupId == groupId && m.UserId == userId)
            .Select(m => new { m.SkillsJson, m.Capacity, m.AcceptsWork, m.User!.LastSeenAt, m.User.LastApiCallAt })
            .SingleAsync(cancellationToken);
        return new PersonProfileView(
            groupId, userId, PersonSkills.Read(member.SkillsJson, userId).Select(s => new SkillView(s.SkillId, s.Name, s.Tags, s.Level)).ToList(),
            member.Capacity, member.AcceptsWork, PersonPresence.IsPresent(member.LastSeenAt, member.LastApiCallAt, time.GetUtcNow()));
    }
}

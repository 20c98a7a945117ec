using System.Text.Json;
using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.Groups;
using ClawGroups.Coordinator.Hosting;
using ClawGroups.Data.Accounts;
using ClawGroups.Data.Database;
using ClawGroups.Data.Groups;
using ClawGroups.Data.WorkItems;
using ClawGroups.Testing.Databases;
using ClawGroups.Testing.Options;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Tests.Groups;

public sealed class GroupSettingsTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2025, 3, 10, 12, 0, 0, TimeSpan.Zero);
    private readonly Caller _owner = new(MemberKind.Human, Guid.CreateVersion7(), "olga");
    private readonly Caller _member = new(MemberKind.Human, Guid.CreateVersion7(), "max");
    private TestDatabase _database = null!;
    private Guid _groupId;

    [Fact]
    public async Task An_owner_changes_name_review_and_thresholds_and_the_trail_records_what_changed()
    {
        await SeedAsync();

        var outcome = await UpdateAsync(_owner, new UpdateGroupSettingsRequest(
            Name: "  Web shop  ", RequireReview: false, HeartbeatTimeoutSeconds: new(120), OverrunFactor: new(2.5)));

        Assert.True(outcome.Succeeded, outcome.Failure?.Detail);
        var view = outcome.Value!;
        Assert.Equal(("Web shop", false, 120, 2.5), (view.Name, view.RequireReview, view.Settings!.HeartbeatTimeoutSeconds, view.Settings.OverrunFactor));
        Assert.Null(view.Settings.ProgressTimeoutSeconds);
        Assert.Equal(new CoordinatorOptions().ProgressTimeoutSeconds, view.Settings.Defaults.ProgressTimeoutSeconds);
        await using var context = _database.NewContext();
        var trail = await context.TrailEvents.SingleAsync(e => e.Type == "group.updated");
        var changed = JsonDocument.Parse(trail.DataJson).RootElement.GetProperty("changed").EnumerateArray().Select(e => e.GetString());
        Assert.Equal(["name", "requireReview", "heartbeatTimeoutSeconds", "overrunFactor"], changed);
        Assert.Equal(_owner.Id, trail.ActorId);
    }

    [Fact]
    public async Task Null_puts_an_override_back_to_the_default_and_a_missing_field_leaves_it()
    {
        await SeedAsync();
        await UpdateAsync(_owner, new UpdateGroupSettingsRequest(MaxAttempts: new(5), StartGraceSeconds: new(30)));

        var outcome = await UpdateAsync(_owner, new UpdateGroupSettingsRequest(MaxAttempts: Overridable<int>.Default));

        Assert.Equal((null, 30), (outcome.Value!.Settings!.MaxAttempts, outcome.Value.Settings.StartGraceSeconds));
        await using var context = _database.NewContext();
        var group = await context.Groups.SingleAsync();
        Assert.Equal((null, 30), (group.MaxAttempts, group.Thresholds.StartGraceSeconds));
    }

    [Fact]
    public async Task Invalid_values_are_refused_field_by_field_and_nothing_changes()
    {
        await SeedAsync();

        var outcome = await UpdateAsync(_owner, new UpdateGroupSettingsRequest(
            Name: "   ", MaxAttempts: new(0), HeartbeatTimeoutSeconds: new(1), StartGraceSeconds: new(30), OverrunFactor: new(1.0)));

        Assert.Equal(FailureKind.Invalid, outcome.Failure?.Kind);
        Assert.Equal(["heartbeatTimeoutSeconds", "maxAttempts", "name", "overrunFactor"], outcome.Failure!.Errors!.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("between 5 and 604800 seconds", outcome.Failure.Errors["heartbeatTimeoutSeconds"][0], StringComparison.Ordinal);
        await using var context = _database.NewContext();
        var group = await context.Groups.SingleAsync();
        Assert.Equal(("before", null), (group.Name, group.Thresholds.StartGraceSeconds));
        Assert.False(await context.TrailEvents.AnyAsync(e => e.Type == "group.updated"));
    }

    [Fact]
    public async Task A_member_who_is_not_an_owner_may_not_change_settings()
    {
        await SeedAsync();

        var outcome = await UpdateAsync(_member, new UpdateGroupSettingsRequest(Name: "mine now"));

        Assert.Equal(FailureKind.Forbidden, outcome.Failure?.Kind);
    }

    [Fact]
    public async Task The_instance_owner_may_change_a_group_it_does_not_belong_to()
    {
        await SeedAsync();
        var instanceOwner = new Caller(MemberKind.Human, Guid.CreateVersion7(), "root", IsInstanceOwner: true);

        var outcome = await UpdateAsync(instanceOwner, new UpdateGroupSettingsRequest(Description: "kept by the admin"));

        Assert.Equal("kept by the admin", outcome.Value?.Description);
    }

    [Fact]
    public void Null_and_a_missing_field_read_differently_from_json()
    {
        var request = JsonSerializer.Deserialize<UpdateGroupSettingsRequest>(
            """{ "maxAttempts": null, "heartbeatTimeoutSeconds": 120 }""", ClawJson.Options)!;

        Assert.Equal((Overridable<int>.Default, new Overridable<int>(120), null), (request.MaxAttempts, request.HeartbeatTimeoutSeconds, request.ProgressTimeoutSeconds));
    }

    private async Task<Outcome<GroupView>> UpdateAsync(Caller caller, UpdateGroupSettingsRequest request)
    {
        await using var context = _database.NewContext();
        var service = new GroupService(context, new Insights.FixedTime(Now), new FixedOptionsMonitor<CoordinatorOptions>(new CoordinatorOptions()));
        return await service.UpdateSettingsAsync(caller, _groupId, request, default);
    }

    private async Task SeedAsync()
    {
        await using var context = _database.NewContext();
        foreach (var caller in new[] { _owner, _member })
        {
            context.Users.Add(new ClawUser
            {
                Id = caller.Id, UserName = caller.Name, NormalizedUserName = caller.Name.ToUpperInvariant(), DisplayName = caller.Name,
                Email = $"{caller.Name}@example.com", NormalizedEmail = $"{caller.Name}@EXAMPLE.COM", CreatedAt = Now,
            });
        }

        var group = new Group { Id = Guid.CreateVersion7(), Name = "before", CreatedAt = Now };
        group.Members.Add(new GroupMember { UserId = _owner.Id, Role = GroupRole.Owner, JoinedAt = Now });
        group.Members.Add(new GroupMember { UserId = _member.Id, Role = GroupRole.Member, JoinedAt = Now });
        context.Groups.Add(group);
        await context.SaveChangesAsync();
        _groupId = group.Id;
    }

    public async Task InitializeAsync() => _database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);

    public Task DisposeAsync()
    {
        _database.Dispose();
        return Task.CompletedTask;
    }
}

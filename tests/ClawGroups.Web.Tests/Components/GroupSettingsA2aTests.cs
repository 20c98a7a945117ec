using Bunit;
using ClawGroups.Coordinator.Groups;
using ClawGroups.Web.Components.Groups;
using ClawGroups.Web.Components.Workspace;
using Microsoft.Extensions.DependencyInjection;

namespace ClawGroups.Web.Tests.Components;

/// <summary>The group's settings form: the A2A switch, and the card's address once A2A is on.</summary>
public sealed class GroupSettingsA2aTests : ComponentTest
{
    public GroupSettingsA2aTests()
    {
        Context.AddAuthorization();
        Context.Services.AddScoped<WorkspaceSession>();
    }

    [Fact]
    public void A_group_with_a2a_on_shows_its_card_address()
    {
        var group = Group(a2aEnabled: true);

        var form = Render<GroupSettingsForm>(p => p.Add(c => c.Group, group).Add(c => c.CanEdit, true));

        Assert.Equal($"http://localhost/a2a/{group.Id}/.well-known/agent-card.json", form.Find("[data-testid=settings-a2a-card-code]").TextContent);
        Assert.NotNull(form.Find("[data-testid=settings-a2a-enabled]"));
        Assert.Contains("Other agents can delegate work to this group over A2A", form.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void A_group_with_a2a_off_has_the_switch_but_no_card()
    {
        var form = Render<GroupSettingsForm>(p => p.Add(c => c.Group, Group(a2aEnabled: false)).Add(c => c.CanEdit, true));

        Assert.NotNull(form.Find("[data-testid=settings-a2a-enabled]"));
        Assert.Contains("The group is not reachable over A2A", form.Markup, StringComparison.Ordinal);
        Assert.Empty(form.FindAll("[data-testid=settings-a2a-card]"));
    }

    [Fact]
    public void Saving_the_form_sends_the_a2a_switch_as_it_stands()
    {
        var model = GroupSettingsModel.From(Group(a2aEnabled: false));
        model.A2aEnabled = true;

        Assert.True(model.ToRequest().A2aEnabled);
        Assert.False(GroupSettingsModel.From(Group(a2aEnabled: false)).ToRequest().A2aEnabled);
    }

    private static GroupView Group(bool a2aEnabled) => new(
        Guid.NewGuid(), "Front-end crew", "", true, DateTimeOffset.UtcNow, [],
        new GroupSettingsView(null, null, null, null, null, new GroupSettingDefaults(3, 90, 600, 120, 3)), a2aEnabled);
}

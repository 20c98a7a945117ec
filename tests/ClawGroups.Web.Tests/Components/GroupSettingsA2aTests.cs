using Bunit;
using ClawGroups.Coordinator.Groups;
using ClawGroups.Web.Components.Groups;
using ClawGroups.Web.Components.Workspace;
using Microsoft.Extensions.DependencyInjection;

namespace ClawGroups.Web.Tests.Components;

/// <summary>The group's settings form: the A2A switch, the card's address once A2A is on, and the routing preferences.</summary>
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

    [Fact]
    public void The_preference_fields_show_the_groups_lists_and_send_what_was_typed_split_at_commas()
    {
        var plain = Group(a2aEnabled: false);
        var group = plain with { Settings = plain.Settings! with { PreferPeopleFor = ["design", "legal"] } };
        var form = Render<GroupSettingsForm>(p => p.Add(c => c.Group, group).Add(c => c.CanEdit, true));
        var model = GroupSettingsModel.From(group);
        model.PreferAgentsFor = "testing, , docs ";

        var request = model.ToRequest();

        Assert.Equal("design, legal", form.Find("[data-testid=settings-prefer-people-for]").GetAttribute("value"));
        Assert.Equal(["design", "legal"], request.PreferPeopleFor);
        Assert.Equal(["testing", "docs"], request.PreferAgentsFor);
    }

    private static GroupView Group(bool a2aEnabled) => new(
        Guid.NewGuid(), "Front-end crew", "", true, DateTimeOffset.UtcNow, [],
        new GroupSettingsView(null, null, null, null, null, new GroupSettingDefaults(3, 90, 600, 120, 3)), a2aEnabled);
}

using Bunit;
using ClawGroups.Coordinator.Live;
using ClawGroups.Web.Components.Board;
using ClawGroups.Web.Components.Workspace;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor;

namespace ClawGroups.Web.Tests.Components;

public sealed class BoardFiltersTests : ComponentTest
{
    public BoardFiltersTests()
    {
        Context.AddAuthorization();
        Context.Services.AddSingleton(new GroupFeed(NullLogger<GroupFeed>.Instance));
        Context.Services.AddSingleton<SharedGroups>();
        Context.Services.AddSingleton(TimeProvider.System);
        Context.Services.AddScoped<WorkspaceSession>();
        Context.Services.AddScoped<LiveGroup>();
    }

    [Fact]
    public void A_board_opens_with_its_filters_closed_holding_none_of_their_components()
    {
        var filters = Render<BoardFilters>(p => p.Add(f => f.Filter, new BoardFilter()));

        var toggle = filters.Find("[data-testid=board-filters-toggle]");
        Assert.Equal("false", toggle.GetAttribute("aria-expanded"));
        Assert.Equal("Filter", toggle.TextContent.Trim());
        Assert.Empty(filters.FindComponents<MudAutocomplete<string>>());
        Assert.Empty(filters.FindComponents<MudSelect<string>>());
        Assert.Empty(filters.FindComponents<IComponent>());
        Assert.Empty(filters.FindAll("[data-testid=board-filters-clear]"));
    }

    [Fact]
    public void The_button_opens_and_closes_the_filters()
    {
        var filters = Render<BoardFilters>(p => p.Add(f => f.Filter, new BoardFilter()));

        filters.Find("[data-testid=board-filters-toggle]").Click();

        Assert.Equal("true", filters.Find("[data-testid=board-filters-toggle]").GetAttribute("aria-expanded"));
        Assert.Equal(2, filters.FindComponents<MudAutocomplete<string>>().Count);
        Assert.Single(filters.FindComponents<MudSelect<string>>());
        Assert.NotNull(filters.Find("#board-filters [data-testid=board-search]"));

        filters.Find("[data-testid=board-filters-toggle]").Click();
        Assert.Empty(filters.FindComponents<MudAutocomplete<string>>());
    }

    [Fact]
    public void Closing_the_filters_while_the_search_waits_for_a_pause_in_the_typing_keeps_what_was_typed()
    {
        BoardFilter? changed = null;
        var filters = Render<BoardFilters>(p => p
            .Add(f => f.Filter, new BoardFilter(State: "ready"))
            .Add(f => f.FilterChanged, (BoardFilter filter) => changed = filter));
        filters.Find("[data-testid=board-filters-toggle]").Click();

        // Typed, then closed at once: well inside the search's 200 ms wait for more typing.
        filters.Find("#board-filters input[data-testid=board-search], #board-filters [data-testid=board-search] input").Input("index");
        filters.Find("[data-testid=board-filters-toggle]").Click();

        Assert.Equal(new BoardFilter(Search: "index", State: "ready"), changed);
        Assert.Equal("false", filters.Find("[data-testid=board-filters-toggle]").GetAttribute("aria-expanded"));
    }

    [Fact]
    public void Closed_filters_that_narrow_the_board_say_how_many_and_clear_at_once()
    {
        BoardFilter? changed = null;
        var filters = Render<BoardFilters>(p => p
            .Add(f => f.Filter, new BoardFilter(Search: "index", UnassignedOnly: true, State: "ready"))
            .Add(f => f.FilterChanged, (BoardFilter filter) => changed = filter));

        Assert.Equal("3 filters", filters.Find("[data-testid=board-filters-toggle]").TextContent.Trim());
        filters.Find("[data-testid=board-filters-clear]").Click();

        Assert.Equal(new BoardFilter(), changed);
    }
}

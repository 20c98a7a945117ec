using Bunit;
using ClawGroups.Web.Components.Layout;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Interfaces;

namespace ClawGroups.Web.Tests.Components;

public sealed class NavMenuTests : ComponentTest
{
    [Fact]
    public void Following_a_link_tells_the_drawer_so_that_it_closes_on_a_phone_as_after_a_MudNavLink()
    {
        var drawer = new Drawer();
        var menu = Context.Render<CascadingValue<INavigationEventReceiver>>(p => p.Add(c => c.Value, drawer).AddChildContent<NavMenu>());

        menu.Find("a.mud-nav-link").Click();

        Assert.Equal(1, drawer.Navigations);
    }

    [Fact]
    public void The_current_page_is_marked_in_MudBlazors_way()
    {
        Context.Services.GetRequiredService<NavigationManager>().NavigateTo("/");

        var menu = Context.Render<NavMenu>();

        Assert.Contains("active", menu.Find("a.mud-nav-link").ClassList);
    }

    private sealed class Drawer : INavigationEventReceiver
    {
        public int Navigations { get; private set; }

        public Task OnNavigation()
        {
            Navigations++;
            return Task.CompletedTask;
        }
    }
}

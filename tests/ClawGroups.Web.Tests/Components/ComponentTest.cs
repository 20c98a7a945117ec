using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace ClawGroups.Web.Tests.Components;

/// <summary>
/// A bUnit context with MudBlazor's services, disposed asynchronously: MudBlazor's services only implement
/// IAsyncDisposable, which xunit 2 does not call on test classes themselves.
/// </summary>
public abstract class ComponentTest : IAsyncLifetime
{
    protected BunitContext Context { get; } = new();

    protected ComponentTest()
    {
        Context.Services.AddMudServices();
        Context.Services.AddScoped<ClawGroups.Web.Components.Shared.CircuitClock>();
        Context.JSInterop.Mode = JSRuntimeMode.Loose;
    }

    protected IRenderedComponent<TComponent> Render<TComponent>(Action<ComponentParameterCollectionBuilder<TComponent>> parameters)
        where TComponent : IComponent
        => Context.Render(parameters);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await Context.DisposeAsync();
}

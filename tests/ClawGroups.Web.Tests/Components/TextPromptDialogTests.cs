using AngleSharp.Dom;
using Bunit;
using ClawGroups.Web.Components.Board;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace ClawGroups.Web.Tests.Components;

/// <summary>The prompt a rejection and a hand-back show: its answer says whether the same member may have the item again.</summary>
public sealed class TextPromptDialogTests : ComponentTest
{
    [Fact]
    public async Task Ticking_offer_it_to_the_same_member_again_answers_yes()
    {
        var (provider, answer) = await ShowAsync(askSameMember: true);

        provider.Find("[data-testid=prompt-text]").Input("kube, add the tests");
        CheckBox(provider).Change(true);
        provider.Find("[data-testid=prompt-confirm]").Click();

        Assert.Equal(new PromptAnswer("kube, add the tests", true), (await answer)!.Data);
    }

    [Fact]
    public async Task Leaving_it_unticked_says_nothing_and_lets_the_note_decide()
    {
        var (provider, answer) = await ShowAsync(askSameMember: true);

        provider.Find("[data-testid=prompt-text]").Input("Front-end please");
        provider.Find("[data-testid=prompt-confirm]").Click();

        Assert.Equal(new PromptAnswer("Front-end please", null), (await answer)!.Data);
    }

    [Fact]
    public async Task A_prompt_for_other_moves_does_not_ask()
    {
        var (provider, _) = await ShowAsync(askSameMember: false);

        Assert.Empty(provider.FindAll("[data-testid=prompt-same-member]"));
    }

    private async Task<(IRenderedComponent<MudDialogProvider> Provider, Task<DialogResult?> Answer)> ShowAsync(bool askSameMember)
    {
        var provider = Context.Render<MudDialogProvider>();
        var dialogs = Context.Services.GetRequiredService<IDialogService>();
        var reference = await provider.InvokeAsync(() => dialogs.ShowAsync<TextPromptDialog>("Hand back", new DialogParameters<TextPromptDialog>
        {
            { d => d.Label, "For whom, or what is missing? (optional)" }, { d => d.AskSameMember, askSameMember },
        }));
        return (provider, reference.Result);
    }

    private static IElement CheckBox(IRenderedComponent<MudDialogProvider> provider)
    {
        var box = provider.Find("[data-testid=prompt-same-member]");
        return box.TagName == "INPUT" ? box : box.QuerySelector("input") ?? throw new InvalidOperationException("The same-member choice has no checkbox.");
    }
}

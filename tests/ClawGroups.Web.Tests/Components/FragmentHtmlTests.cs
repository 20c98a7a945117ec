using Bunit;
using ClawGroups.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace ClawGroups.Web.Tests.Components;

public sealed class FragmentHtmlTests : ComponentTest
{
    public static TheoryData<string> Fragments => new(Pieces.Keys);

    // Markup of the kinds a card's face holds, each put on a page by Blazor itself (through bUnit) and written by FragmentHtml.
    private static readonly Dictionary<string, RenderFragment> Pieces = new()
    {
        ["chip with icon, id and tooltip"] = MudLook.Chip("react", Color.Error, Variant.Filled, Icons.Material.Filled.ErrorOutline, id: "c-1",
            testId: "card-flag", title: "Fit \"0.81\" < 0.9 & more"),
        ["agent avatar"] = MudLook.Avatar("agent", "pixel", Size.Small, decorative: true),
        ["human avatar with a name"] = MudLook.Avatar("human", "Ada Lovelace", Size.Small, decorative: false),
        ["bar"] = MudLook.Bar(42.4, Color.Primary, testId: "card-progress"),
        ["text that looks like markup"] = builder =>
        {
            builder.OpenElement(0, "p");
            builder.AddAttribute(1, "title", "<b>\"quoted\"</b> & 'single'");
            builder.AddContent(2, "<script>alert('x')</script> & ünïcode · 漢字");
            builder.CloseElement();
        },
        ["booleans, nulls, a void element and a nested fragment"] = builder =>
        {
            builder.OpenElement(0, "div");
            builder.AddAttribute(1, "hidden", true);
            builder.AddAttribute(2, "inert", false);
            builder.AddAttribute(3, "title", (string?)null);
            builder.AddAttribute(4, "tabindex", 3);
            builder.OpenElement(5, "br");
            builder.CloseElement();
            builder.AddContent(6, (RenderFragment)(inner => inner.AddMarkupContent(0, "<em>already markup</em>")));
            builder.CloseElement();
        },
    };

    [Theory]
    [MemberData(nameof(Fragments))]
    public void Writes_what_blazor_puts_on_the_page(string piece)
    {
        var html = FragmentHtml.Of(Pieces[piece]);

        Context.Render(Pieces[piece]).MarkupMatches(html);
    }

    [Fact]
    public void Text_and_attribute_values_are_escaped_and_not_read_as_markup()
    {
        var html = FragmentHtml.Of(Pieces["text that looks like markup"]);

        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
        var paragraph = Context.Render((RenderFragment)(b => b.AddMarkupContent(0, html))).Find("p");
        Assert.Equal("<script>alert('x')</script> & ünïcode · 漢字", paragraph.TextContent);
        Assert.Equal("<b>\"quoted\"</b> & 'single'", paragraph.GetAttribute("title"));
        // Characters HTML does not need escaped are written as they are, so a face in any script is as short as its text.
        Assert.Contains("ünïcode · 漢字", html, StringComparison.Ordinal);
    }

    [Fact]
    public void A_fragment_with_a_component_an_event_or_text_in_a_style_sheet_is_refused()
    {
        RenderFragment component = builder =>
        {
            builder.OpenComponent<MudChip<string>>(0);
            builder.CloseComponent();
        };
        RenderFragment handler = builder =>
        {
            builder.OpenElement(0, "button");
            builder.AddAttribute(1, "onclick", EventCallback.Factory.Create(this, () => { }));
            builder.CloseElement();
        };
        RenderFragment plainHandler = builder =>
        {
            builder.OpenElement(0, "button");
            builder.AddAttribute(1, "onclick", (Action)(() => { }));
            builder.CloseElement();
        };

        RenderFragment styleText = builder =>
        {
            builder.OpenElement(0, "style");
            builder.AddContent(1, "p { font-family: 'Roboto'; }");
            builder.CloseElement();
        };

        Assert.Throws<InvalidOperationException>(() => FragmentHtml.Of(component));
        Assert.Throws<InvalidOperationException>(() => FragmentHtml.Of(styleText));
        Assert.Throws<InvalidOperationException>(() => FragmentHtml.Of(handler));
        Assert.Throws<InvalidOperationException>(() => FragmentHtml.Of(plainHandler));
    }
}

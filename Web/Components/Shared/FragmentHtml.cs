using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Components.RenderTree;

// The render tree's frames are public but "not recommended outside the framework" (BL0006): their shape may change between
// releases. Blazor's own HtmlRenderer would hide them, but renders asynchronously on a renderer of its own that keeps every
// component it rendered until it is disposed, and escapes every non-ASCII character; a face is written during a card's
// synchronous render. FragmentHtmlTests compares what this writes with what Blazor puts on the page, so a change of the
// frames fails there first.
#pragma warning disable BL0006

namespace ClawGroups.Web.Components.Shared;

/// <summary>
/// Writes a fragment of plain markup (elements, attributes, text, markup; no components, no event handlers) as HTML, the
/// way Blazor puts the same frames on the page. A piece that many circuits show the same way (a board card's face) is
/// written once and placed in each circuit as one markup frame: a circuit then holds one reference instead of the frames,
/// each as large as a render-tree frame and kept twice (the current render and the previous one) for as long as it lives.
/// </summary>
public static class FragmentHtml
{
    // Text and attribute values are escaped where HTML needs it (<, >, &, quotes); other characters are written as they
    // are rather than as entities, so a piece in any script stays as short as its text.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    // Elements that have no end tag (https://html.spec.whatwg.org/#void-elements).
    private static readonly HashSet<string> VoidElements = new(StringComparer.OrdinalIgnoreCase)
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
    };

    // Elements whose text a browser does not decode (https://html.spec.whatwg.org/#raw-text-elements).
    private static readonly HashSet<string> RawTextElements = new(StringComparer.OrdinalIgnoreCase) { "script", "style" };

    /// <summary>
    /// The HTML of <paramref name="fragment"/>; throws if it renders a component, binds an event, or holds text inside a
    /// script or style element.
    /// </summary>
    public static string Of(RenderFragment fragment)
    {
        ArgumentNullException.ThrowIfNull(fragment);
        var builder = new RenderTreeBuilder();
        fragment(builder);
        var frames = builder.GetFrames();
        var html = new StringWriter(CultureInfo.InvariantCulture);
        WriteRange(frames.Array, 0, frames.Count, html);
        return html.ToString();
    }

    private static void WriteRange(RenderTreeFrame[] frames, int start, int end, StringWriter html)
    {
        var position = start;
        while (position < end)
        {
            position = WriteFrame(frames, position, html);
        }
    }

    /// <summary>Writes the frame at <paramref name="position"/> with what it holds; returns the position after them.</summary>
    private static int WriteFrame(RenderTreeFrame[] frames, int position, StringWriter html)
    {
        var frame = frames[position];
        switch (frame.FrameType)
        {
            case RenderTreeFrameType.Element:
                return WriteElement(frames, position, html);
            case RenderTreeFrameType.Text:
                Encoder.Encode(html, frame.TextContent);
                return position + 1;
            case RenderTreeFrameType.Markup:
                html.Write(frame.MarkupContent);
                return position + 1;
            case RenderTreeFrameType.Region:
                WriteRange(frames, position + 1, position + frame.RegionSubtreeLength, html);
                return position + frame.RegionSubtreeLength;
            case RenderTreeFrameType.ElementReferenceCapture:
                return position + 1;
            default:
                throw new InvalidOperationException($"Only plain markup can be written as HTML; the fragment holds a {frame.FrameType} frame.");
        }
    }

    private static int WriteElement(RenderTreeFrame[] frames, int position, StringWriter html)
    {
        var element = frames[position];
        var end = position + element.ElementSubtreeLength;
        html.Write('<');
        html.Write(element.ElementName);
        var child = position + 1;
        for (; child < end && frames[child].FrameType == RenderTreeFrameType.Attribute; child++)
        {
            WriteAttribute(frames[child], html);
        }

        html.Write('>');
        if (VoidElements.Contains(element.ElementName))
        {
            return end;
        }

        if (RawTextElements.Contains(element.ElementName)
            && Enumerable.Range(child, end - child).Any(index => frames[index].FrameType == RenderTreeFrameType.Text))
        {
            // A browser reads a script's or style sheet's text as it is, entities and all: escaped, it would be wrong; as it is,
            // it could close its element. Such text is written by its author as markup.
            throw new InvalidOperationException($"Text inside <{element.ElementName}> cannot be written as HTML here; write it as markup.");
        }

        WriteRange(frames, child, end, html);
        html.Write("</");
        html.Write(element.ElementName);
        html.Write('>');
        return end;
    }

    private static void WriteAttribute(RenderTreeFrame attribute, StringWriter html)
    {
        switch (attribute.AttributeValue)
        {
            // As on the page: false leaves the attribute out, true writes it bare.
            case false or null:
                return;
            case true:
                html.Write(' ');
                html.Write(attribute.AttributeName);
                return;
            case var handler when handler is Delegate or EventCallback || IsEventCallbackOfT(handler.GetType()):
                throw new InvalidOperationException($"'{attribute.AttributeName}' binds an event, which plain HTML cannot carry.");
            case var value:
                html.Write(' ');
                html.Write(attribute.AttributeName);
                html.Write("=\"");
                Encoder.Encode(html, Convert.ToString(value, CultureInfo.InvariantCulture) ?? "");
                html.Write('"');
                return;
        }
    }

    private static bool IsEventCallbackOfT(Type type) => type.IsGenericType && type.GetGenericTypeDefinition() == typeof(EventCallback<>);
}

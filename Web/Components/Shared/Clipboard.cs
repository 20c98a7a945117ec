using Microsoft.JSInterop;
using MudBlazor;

namespace ClawGroups.Web.Components.Shared;

/// <summary>Copies text for a person and says whether it worked; the one place every copy button goes through.</summary>
public static class Clipboard
{
    public static async Task CopyAsync(this IJSRuntime js, ISnackbar snackbar, string text, string copied = "Copied.")
    {
        ArgumentNullException.ThrowIfNull(js);
        ArgumentNullException.ThrowIfNull(snackbar);
        try
        {
            await js.InvokeVoidAsync("navigator.clipboard.writeText", text);
            snackbar.Add(copied, Severity.Success);
        }
        catch (JSException)
        {
            // Browsers refuse the clipboard outside secure contexts (plain http on another host) or without permission.
            snackbar.Add("The browser did not allow copying: select the text and copy it by hand.", Severity.Warning);
        }
    }
}

using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ClawGroups.Benchmarks.Circuits;

/// <summary>
/// A board open in a tab, without the browser: the page is fetched (prerendered, as a browser gets it), its server
/// component markers are read, and a circuit is started over /_blazor the way blazor.web.js does (<c>StartCircuit</c>
/// with the page's address, then <c>UpdateRootComponents</c> with the markers). The server cannot tell it from a browser:
/// it builds the same circuit, renders the same board and sends every render batch, which this client acknowledges
/// (as the browser does once it has applied one) without applying it. JavaScript calls the components make are answered
/// "done, no value". It costs the benchmark machine a socket and a few kilobytes, where a Chromium tab costs ~100 MB.
/// </summary>
internal sealed partial class BoardCircuit : IAsyncDisposable
{
    private readonly HubConnection _connection;
    private readonly byte[] _expected;
    private readonly TaskCompletionSource _rendered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _batches;
    private long _bytes;
    private string? _error;

    private BoardCircuit(HubConnection connection, string expectedText)
    {
        _connection = connection;
        _expected = Encoding.UTF8.GetBytes(expectedText);
        connection.On<long, byte[]>("JS.RenderBatch", OnRenderBatchAsync);
        connection.On<long, string, string, int, long>("JS.BeginInvokeJS", (handle, _, _, _, _) =>
            _connection.SendAsync("EndInvokeJSFromDotNet", handle, true, $"[{handle.ToString(CultureInfo.InvariantCulture)},true,null]"));
        connection.On<string>("JS.Error", error =>
        {
            _error = error;
            _rendered.TrySetException(new InvalidOperationException($"The circuit reported an error: {error}"));
        });
    }

    /// <summary>Render batches the server sent this circuit.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Bytes of render batches the server sent this circuit.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    public bool IsConnected => _connection.State == HubConnectionState.Connected && _error is null;

    /// <summary>
    /// Opens <paramref name="page"/> as a signed-in tab (the cookies are the person's) and returns once the circuit has
    /// rendered something containing <paramref name="expectedText"/> (the group's name: the board, not a sign-in page).
    /// </summary>
    public static async Task<BoardCircuit> OpenAsync(HttpClient http, CookieContainer cookies, Uri page, string expectedText, CancellationToken cancellationToken)
    {
        var html = await http.GetStringAsync(page, cancellationToken);
        var markers = ServerMarkers(html);
        if (markers.Count == 0)
            throw new InvalidOperationException($"{page} has no interactive server components: is the person signed in?");
        var state = StateComment().Match(html) is { Success: true } match ? match.Groups["state"].Value : "";

        var builder = new HubConnectionBuilder().WithUrl(new Uri(page, "/_blazor"), options =>
        {
            options.Cookies = cookies;
            options.Transports = HttpTransportType.WebSockets;
        });
        builder.Services.RemoveAll<IHubProtocol>();
        builder.Services.AddSingleton<IHubProtocol, BlazorPackProtocol>();
        var connection = builder.Build();
        var circuit = new BoardCircuit(connection, expectedText);
        try
        {
            await connection.StartAsync(cancellationToken);
            var baseUri = new Uri(page, "/").AbsoluteUri;
            var id = await connection.InvokeAsync<string?>("StartCircuit", baseUri, page.AbsoluteUri, "[]", state, cancellationToken);
            if (string.IsNullOrEmpty(id))
                throw new InvalidOperationException($"The server refused to start a circuit for {page}.");
            var operations = new JsonObject
            {
                ["batchId"] = 1,
                ["operations"] = new JsonArray([.. markers.Select((marker, i) => (JsonNode)new JsonObject
                {
                    ["type"] = "add",
                    ["ssrComponentId"] = i + 1,
                    ["marker"] = marker,
                })]),
            };
            await connection.SendAsync("UpdateRootComponents", operations.ToJsonString(), state, cancellationToken);
            await circuit._rendered.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
            return circuit;
        }
        catch
        {
            await circuit.DisposeAsync();
            throw;
        }
    }

    private async Task OnRenderBatchAsync(long batchId, byte[] batch)
    {
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _bytes, batch.Length);
        // The browser acknowledges a batch once it has applied it; the server holds back further renders while too many
        // are unacknowledged, so a client that never answered would be a slow browser, not a watching person.
        await _connection.SendAsync("OnRenderCompleted", batchId, (string?)null);
        if (batch.AsSpan().IndexOf(_expected) >= 0)
            _rendered.TrySetResult();
    }

    /// <summary>The page's server component markers in document order, each as blazor.web.js hands it back to the server.</summary>
    private static List<JsonObject> ServerMarkers(string html)
    {
        var markers = new List<JsonObject>();
        foreach (Match match in Marker().Matches(html))
        {
            if (JsonNode.Parse(match.Groups["json"].Value) is JsonObject marker
                && marker["type"]?.GetValue<string>() == "server")
            {
                marker["uniqueId"] = markers.Count;
                markers.Add(marker);
            }
        }

        return [.. markers.OrderBy(m => m["sequence"]?.GetValue<int>() ?? 0)];
    }

    [GeneratedRegex(@"<!--Blazor:(?<json>\{.*?\})-->", RegexOptions.Singleline)]
    private static partial Regex Marker();

    [GeneratedRegex(@"<!--Blazor-Server-Component-State:(?<state>[A-Za-z0-9+/=]+)-->")]
    private static partial Regex StateComment();

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync();
}

using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Threading.Channels;

namespace ClawGroups.Web.Tests.A2a;

/// <summary>An A2A client's push URL on loopback: records each POST (its content type, token header and JSON body) and answers 200.</summary>
internal sealed class PushReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Channel<Push> _pushes = Channel.CreateUnbounded<Push>();

    private PushReceiver(int port)
    {
        Url = $"http://127.0.0.1:{port}/push/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _ = Task.Run(ReceiveAsync);
    }

    public string Url { get; }

    public static PushReceiver Start()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return new PushReceiver(port);
    }

    /// <summary>The first push (from now on) that satisfies <paramref name="wanted"/>, within <paramref name="timeout"/>.</summary>
    public async Task<Push> WaitForAsync(Func<Push, bool> wanted, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            var push = await _pushes.Reader.ReadAsync(deadline.Token);
            if (wanted(push))
            {
                return push;
            }
        }
    }

    public void Dispose() => _listener.Close();

    private async Task ReceiveAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream);
            var body = JsonDocument.Parse(await reader.ReadToEndAsync()).RootElement.Clone();
            _pushes.Writer.TryWrite(new Push(context.Request.ContentType, context.Request.Headers["X-A2A-Notification-Token"], body));
            context.Response.StatusCode = 200;
            context.Response.Close();
        }
    }

    public sealed record Push(string? ContentType, string? Token, JsonElement Body)
    {
        public string? State => Body.TryGetProperty("task", out var task) ? task.GetProperty("status").GetProperty("state").GetString() : null;
    }
}

using System.Net;
using System.Net.Sockets;

namespace ClawGroups.Coordinator.Webhooks;

/// <summary>
/// The connection handler for webhook calls: checks the address actually dialled against the URL policy (a host
/// that resolved to a public address at registration may resolve elsewhere later), and never follows redirects.
/// </summary>
internal static class WebhookHttpHandler
{
    public static SocketsHttpHandler Create(WebhookUrlPolicy policy) => new()
    {
        AllowAutoRedirect = false,
        // A proxy would be the address dialled, and the policy check would vet the proxy instead of the target.
        UseProxy = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectTimeout = TimeSpan.FromSeconds(5),
        ConnectCallback = async (context, cancellationToken) =>
        {
            var addresses = IPAddress.TryParse(context.DnsEndPoint.Host, out var literal)
                ? [literal]
                : await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, cancellationToken);
            var allowed = addresses.Where(policy.MayConnect).ToArray();
            if (allowed.Length == 0)
            {
                throw new HttpRequestException($"{context.DnsEndPoint.Host} resolves only to addresses this server does not call.");
            }

            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}

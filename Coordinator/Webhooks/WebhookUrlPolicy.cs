using System.Net;
using System.Net.Sockets;
using ClawGroups.Coordinator.Access;
using Microsoft.Extensions.Options;

namespace ClawGroups.Coordinator.Webhooks;

/// <summary>
/// Which webhook URLs the server will call. Checked at registration (a clear 422) and again for every connection
/// (the address actually dialled), so that a DNS answer changed after registration cannot reach a private network.
/// </summary>
public sealed class WebhookUrlPolicy(IOptionsMonitor<WebhookOptions> options)
{
    public async Task<Failure?> CheckAsync(string field, string? url, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return Failure.Invalid(field, $"{field} must be an absolute http or https URL.");
        }

        if (options.CurrentValue.AllowPrivateAddresses)
        {
            return null;
        }

        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(uri.DnsSafeHost, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(uri.DnsSafeHost, cancellationToken);
        }
        catch (SocketException)
        {
            return Failure.Invalid(field, $"{field}'s host '{uri.Host}' does not resolve.");
        }

        return addresses.Length == 0 || addresses.Any(IsPrivate)
            ? Failure.Invalid(field, $"{field} resolves to a loopback or private address, which this server does not call " +
                                     "(set ClawGroups:Webhooks:AllowPrivateAddresses=true for local set-ups).")
            : null;
    }

    /// <summary>Whether the address may be dialled under the current settings.</summary>
    public bool MayConnect(IPAddress address) => options.CurrentValue.AllowPrivateAddresses || !IsPrivate(address);

    public static bool IsPrivate(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast))
        {
            return true;
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var bytes = address.GetAddressBytes();
            return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || (bytes[0] & 0xFE) == 0xFC;
        }

        var b = address.GetAddressBytes();
        return b[0] == 10
            || b[0] == 127
            || b[0] == 0
            || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
            || (b[0] == 192 && b[1] == 168)
            || (b[0] == 169 && b[1] == 254)
            || (b[0] == 100 && b[1] >= 64 && b[1] <= 127)
            || b[0] >= 224;
    }
}

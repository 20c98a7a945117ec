using System.Net;
using System.Net.Sockets;
using ClawGroups.Coordinator.Calls;
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

    private static readonly byte[] Nat64Prefix = [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0];

    /// <summary>
    /// Whether the address is not on the public internet: loopback, private, link-local, shared, benchmarking,
    /// documentation and multicast ranges, and IPv6 forms that wrap such an IPv4 address.
    /// </summary>
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
            // Addresses that carry an IPv4 address inside are judged by it: NAT64 (64:ff9b::/96) and 6to4 (2002::/16).
            if (bytes.AsSpan(0, 12).SequenceEqual(Nat64Prefix))
            {
                return IsPrivate(new IPAddress(bytes.AsSpan(12, 4)));
            }

            if (bytes[0] == 0x20 && bytes[1] == 0x02)
            {
                return IsPrivate(new IPAddress(bytes.AsSpan(2, 4)));
            }

            // Teredo (2001::/32) hides its IPv4 end point; nothing legitimate needs a webhook over it.
            var teredo = bytes[0] == 0x20 && bytes[1] == 0x01 && bytes[2] == 0 && bytes[3] == 0;
            return teredo || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || (bytes[0] & 0xFE) == 0xFC;
        }

        var b = address.GetAddressBytes();
        return b[0] == 10
            || b[0] == 127
            || b[0] == 0
            || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
            || (b[0] == 192 && b[1] == 168)
            || (b[0] == 169 && b[1] == 254)
            || (b[0] == 100 && b[1] >= 64 && b[1] <= 127)
            || (b[0] == 198 && (b[1] == 18 || b[1] == 19))
            || (b[0] == 192 && b[1] == 0 && b[2] is 0 or 2)
            || (b[0] == 198 && b[1] == 51 && b[2] == 100)
            || (b[0] == 203 && b[1] == 0 && b[2] == 113)
            || b[0] >= 224;
    }
}

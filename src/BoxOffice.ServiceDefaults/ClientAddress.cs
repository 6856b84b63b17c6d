using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;

namespace BoxOffice.ServiceDefaults;

/// <summary>
/// Who is calling, as every per-address cap counts it (rate limits, the login throttle, live
/// streams): the connection's address, an IPv4 client mapped into IPv6 as its IPv4 address, and an
/// IPv6 client by its /64, which one host owns whole (so rotating the low bits buys nothing).
/// Forwarded headers are not read: anyone can write them. Behind a reverse proxy, configure ASP.NET
/// Core's forwarded-headers middleware with that proxy as known.
/// </summary>
public static class ClientAddress
{
    /// <summary>The caller's address as a partition key.</summary>
    public static string Of(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var address = http.Connection.RemoteIpAddress;
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var bytes = address.GetAddressBytes();
            Array.Clear(bytes, 8, 8);
            return new IPAddress(bytes) + "/64";
        }

        return address.ToString();
    }
}

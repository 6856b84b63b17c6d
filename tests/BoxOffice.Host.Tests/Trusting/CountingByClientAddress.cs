using System.Net;
using BoxOffice.ServiceDefaults;
using Microsoft.AspNetCore.Http;

namespace BoxOffice.Host.Tests.Trusting;

/// <summary>Every per-address cap counts a caller the same way, so rotating addresses a host owns buys nothing.</summary>
public sealed class CountingByClientAddress
{
    private static string Of(string address) =>
        ClientAddress.Of(new DefaultHttpContext { Connection = { RemoteIpAddress = IPAddress.Parse(address) } });

    [Fact]
    public void An_IPv6_host_is_counted_by_its_64_bit_prefix()
    {
        Of("2001:db8:1:2:aaaa:bbbb:cccc:dddd").ShouldBe(Of("2001:db8:1:2::1"));
        Of("2001:db8:1:2::1").ShouldNotBe(Of("2001:db8:1:3::1"));
    }

    [Fact]
    public void An_IPv4_client_counts_the_same_whether_or_not_it_arrives_mapped_into_IPv6()
    {
        Of("::ffff:192.0.2.7").ShouldBe("192.0.2.7");
        Of("192.0.2.7").ShouldNotBe(Of("192.0.2.8"));
    }

    [Fact]
    public void A_connection_without_an_address_is_one_unknown_caller() =>
        ClientAddress.Of(new DefaultHttpContext()).ShouldBe("unknown");
}

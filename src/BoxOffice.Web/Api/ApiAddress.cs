using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace BoxOffice.Web.Api;

/// <summary>
/// Where the BoxOffice API is: <c>Web:ApiUrl</c> when set (the gateway, when the web app runs as its
/// own process), else this host's own first address (embedded: the API is in the same process),
/// known only once the server listens, hence resolved at the first call.
/// </summary>
internal sealed class ApiAddress(IOptions<WebOptions> options, IServer server)
{
    private Uri? _base;

    public Uri Base => _base ??= Resolve();

    private Uri Resolve()
    {
        if (!string.IsNullOrWhiteSpace(options.Value.ApiUrl))
        {
            return new Uri(options.Value.ApiUrl);
        }

        var own = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Web:ApiUrl is not set and this host has no address to call the API on.");
        return new Uri(Loopback(own));
    }

    /// <summary>A wildcard binding as an address this process can call.</summary>
    internal static string Loopback(string url) =>
        url.Replace("://+", "://127.0.0.1", StringComparison.Ordinal).Replace("://*", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal).Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal);
}

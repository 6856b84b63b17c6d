using BoxOffice.ServiceDefaults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;

namespace BoxOffice.LoadTest.Api;

/// <summary>
/// Access tokens for many distinct buyers, minted in-process with the deployment's signing key by
/// BoxOffice's own <see cref="TokenIssuer"/> (the one place a token is made), so a buyer is a token
/// and not a registration: registering hashes a password, slowly on purpose.
/// </summary>
internal sealed class BuyerTokens : IDisposable
{
    private static readonly DateOnly BirthDate = new(1990, 1, 1);
    private readonly ServiceProvider _services;
    private readonly TokenIssuer _issuer;

    public BuyerTokens(string signingKey)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                ["Auth:SigningKey"] = signingKey,
                // Long enough for the longest run (a flash sale's ramp and final deadline, three accept rounds).
                ["Auth:Lifetime"] = "04:00:00",
            })
            .Build();
        _services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IHostEnvironment>(new HostingEnvironment { ContentRootPath = Path.GetTempPath(), EnvironmentName = Environments.Production, ApplicationName = "BoxOffice.LoadTest" })
            .AddBoxOfficeAuthentication(configuration)
            .BuildServiceProvider();
        _issuer = _services.GetRequiredService<TokenIssuer>();
    }

    /// <summary>A new buyer (a Guid v7 subject, born 1990-01-01, role buyer) and its token.</summary>
    public string Mint()
    {
        var id = Guid.CreateVersion7();
        return _issuer.Issue(new TokenHolder(id, $"load-{id:N}@boxoffice.test", "Load buyer", BirthDate, [Roles.Buyer]));
    }

    public string[] Mint(int count)
    {
        var tokens = new string[count];
        Parallel.For(0, count, i => tokens[i] = Mint());
        return tokens;
    }

    public void Dispose() => _services.Dispose();
}

using System.Security.Cryptography;
using BoxOffice.Host;
using BoxOffice.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace BoxOffice.Gateway.Tests.Support;

/// <summary>The <c>/api</c> endpoints a service really maps, composed as its <c>--service</c> process composes it (built, never started).</summary>
internal static class ServiceEndpoints
{
    public static async Task<IReadOnlyList<(string Method, RoutePattern Pattern)>> OfAsync(string service)
    {
        using var folder = new TempDirectory("gateway-" + service);
        using var rsa = RSA.Create(2048);
        var settings = new Dictionary<string, string?>
        {
            ["BoxOffice:DataDirectory"] = folder.Path,
            ["BoxOffice:Storage"] = "Postgres",
            // Never connected to: the app is only built, for its endpoints.
            ["ConnectionStrings:Postgres"] = "Host=127.0.0.1;Username=nobody;Password=never-used",
            ["Messaging:Transport"] = "RabbitMq",
            ["ConnectionStrings:RabbitMq"] = "amqp://nobody:never-used@127.0.0.1:5672/",
            ["Auth:SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Payments:TokenPrivateKey"] = rsa.ExportPkcs8PrivateKeyPem(),
            ["Tickets:PaymentTokenPublicKey"] = rsa.ExportSubjectPublicKeyInfoPem(),
            ["Payments:WebhookSecret"] = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Payments:GatewayUrl"] = "http://127.0.0.1:9",
        };
        await using var app = await ServiceHost.BuildAsync([], service, builder =>
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            builder.Configuration.AddInMemoryCollection(settings);
        });
        return [.. ((IEndpointRouteBuilder)app).DataSources
            .SelectMany(source => source.Endpoints)
            .OfType<RouteEndpoint>()
            .Where(endpoint => endpoint.RoutePattern.RawText?.StartsWith("/api", StringComparison.Ordinal) == true)
            .SelectMany(endpoint => (endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [HttpMethods.Get])
                .Select(method => (method, endpoint.RoutePattern)))];
    }

    /// <summary>A path the pattern matches: a new GUID for a GUID, 7 for a number, the service's own name for a consumer.</summary>
    public static string Sample(RoutePattern pattern, string service) =>
        "/" + string.Join("/", pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternSeparatorPart separator => separator.Content,
            RoutePatternParameterPart { Name: "consumer" } => service,
            RoutePatternParameterPart parameter when parameter.ParameterPolicies.Any(p => p.Content == "guid") => Guid.NewGuid().ToString(),
            RoutePatternParameterPart parameter when parameter.ParameterPolicies.Any(p => p.Content is "long" or "int") => "7",
            _ => "x",
        }))));
}

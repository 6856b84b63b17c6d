using BoxOffice.Messaging.Hosting;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.OpenApi;

namespace BoxOffice.Host;

/// <summary>Ready once every database is migrated and every consumer runs.</summary>
internal sealed class MessagingReadiness(MessagingRuntime runtime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(runtime.IsReady
            ? HealthCheckResult.Healthy("Databases migrated, consumers running.")
            : HealthCheckResult.Unhealthy("Messaging has not started or is stopping."));
}

internal static class HealthEndpoints
{
    /// <summary><c>/health/live</c>: the process answers. <c>/health/ready</c>: it can take work.</summary>
    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
    }

    /// <summary>
    /// Health checks are not route handlers, so the framework leaves them out of the OpenAPI
    /// document; they are described here, beside their mapping. Both are anonymous, plain text.
    /// </summary>
    public static void Document(OpenApiDocument document)
    {
        document.Paths ??= [];
        document.Paths["/health/live"] = Check(document, "Liveness: the process answers.", ready: false);
        document.Paths["/health/ready"] = Check(document, "Readiness: every database is migrated and every consumer runs.", ready: true);
    }

    private static OpenApiPathItem Check(OpenApiDocument document, string summary, bool ready)
    {
        var responses = new OpenApiResponses { ["200"] = PlainText("`Healthy`") };
        if (ready)
        {
            responses["503"] = PlainText("`Unhealthy`: messaging has not started or is stopping.");
        }

        return new OpenApiPathItem
        {
            Operations = new Dictionary<HttpMethod, OpenApiOperation>
            {
                [HttpMethod.Get] = new()
                {
                    Summary = summary,
                    OperationId = ready ? "HealthReady" : "HealthLive",
                    Tags = new HashSet<OpenApiTagReference> { new("Operations", document) },
                    Responses = responses,
                },
            },
        };
    }

    private static OpenApiResponse PlainText(string description) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType>
        {
            ["text/plain"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String } },
        },
    };
}

using System.Text.Json.Serialization;
using BoxOffice.ServiceDefaults;
using BoxOffice.Messaging.Storage;

namespace BoxOffice.Host;

/// <summary>
/// What every BoxOffice process serves at its edge, whether it runs every service (embedded) or one
/// (<c>--service</c>): the one place for JSON and problem details, tokens, rate limits, security
/// headers, health and the API reference.
/// </summary>
internal static class WebEdge
{
    /// <summary>Serves <c>/openapi/v1.json</c> and <c>/scalar</c> outside Development too.</summary>
    public const string OpenApiEnabledKey = "OpenApi:Enabled";

    /// <summary>
    /// The builder, listening on <paramref name="defaultUrl"/> unless <c>--urls</c> (or
    /// <c>ASPNETCORE_URLS</c>) says otherwise, with the caller's set-up applied; a port already in
    /// use is refused here, before anything is written, as one line naming the setting.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(string[] args, string defaultUrl, Action<WebApplicationBuilder>? configure)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(defaultUrl);
        }

        configure?.Invoke(builder);
        foreach (var url in builder.Configuration[WebHostDefaults.ServerUrlsKey]?.Split(';', StringSplitOptions.RemoveEmptyEntries) ?? [])
        {
            StartupFailed.ThrowIfPortTaken(url, "the BoxOffice API", "--urls (or ASPNETCORE_URLS)");
        }

        return builder;
    }

    /// <summary>
    /// Registers the edge: strict JSON bodies, problem details, the OpenAPI document, bearer tokens,
    /// rate limits, and the readiness checks (messaging started; each of <paramref name="databases"/>
    /// answers; the broker answers when the transport is RabbitMQ), and telemetry under <paramref name="serviceName"/>.
    /// </summary>
    public static WebApplicationBuilder AddEdge(this WebApplicationBuilder builder, string serviceName, IEnumerable<string> databases)
    {
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
        });
        // Bad request bodies are 400 problems in every environment, never exceptions turned into 500s.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = false);
        builder.Services.AddProblemDetails();
        // A write that found the disk full is a 503 storage-full, not a 500 (first: it is a database error too).
        builder.Services.AddExceptionHandler<StorageFullExceptionHandler>();
        // A database that cannot be reached is a 503 to try again, not a 500.
        builder.Services.AddExceptionHandler<DatabaseUnavailable>();
        builder.Services.AddBoxOfficeOpenApi();
        builder.Services.AddBoxOfficeAuthentication(builder.Configuration);
        builder.Services.AddBoxOfficeRateLimits(builder.Configuration);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        builder.Services.AddReadiness(builder.Configuration, databases);
        builder.AddBoxOfficeTelemetry(serviceName);
        return builder;
    }

    /// <summary>The edge's middleware in order, health, and the API reference where it is served.</summary>
    public static WebApplication UseEdge(this WebApplication app)
    {
        app.UseBoxOfficeSecurityHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.MapHealth();
        app.MapBoxOfficeMetrics();
        // The API's map helps an attacker as much as a developer: outside Development it is served
        // only when an operator asks for it.
        if (app.Environment.IsDevelopment() || app.Configuration.GetValue<bool>(OpenApiEnabledKey))
        {
            app.MapApiReference();
        }

        return app;
    }
}

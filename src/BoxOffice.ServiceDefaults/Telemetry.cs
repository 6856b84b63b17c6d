using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace BoxOffice.ServiceDefaults;

/// <summary>
/// OpenTelemetry for every BoxOffice process (the embedded host, each <c>--service</c> process, the
/// gateway): traces of the activity sources <c>BoxOffice.*</c>, ASP.NET Core and outgoing HTTP;
/// metrics of the meters <c>BoxOffice.*</c>, ASP.NET Core, Kestrel, HTTP clients, the runtime and
/// Npgsql; served to Prometheus on <c>GET /metrics</c> and exported over OTLP when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (docs/observability.md).
/// </summary>
public static class Telemetry
{
    /// <summary>Writes every finished span to the console (<c>true</c>/<c>false</c>, default false).</summary>
    public const string ConsoleKey = "Telemetry:Console";

    /// <summary>Serves <c>GET /metrics</c> (default true).</summary>
    public const string MetricsEnabledKey = "Telemetry:Metrics:Enabled";

    /// <summary>Answers <c>GET /metrics</c> to callers that are not on this machine too (default false: loopback only).</summary>
    public const string MetricsAllowRemoteKey = "Telemetry:Metrics:AllowRemote";

    /// <summary>Records a span per PostgreSQL command (Npgsql), default false: the consumers' polls would make one root trace each.</summary>
    public const string TraceDatabaseKey = "Telemetry:Tracing:Database";

    /// <summary>The standard OTLP endpoint variable; when set, traces, metrics and logs are exported there.</summary>
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The path Prometheus scrapes.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>
    /// Sets up OpenTelemetry for this process. <paramref name="serviceName"/> is the resource's
    /// <c>service.name</c> unless <c>OTEL_SERVICE_NAME</c> is set (Aspire sets it per resource).
    /// Traces are recorded only when something exports them (OTLP, the console, or a test's
    /// exporter added with <c>AddOpenTelemetry().WithTracing(...)</c>), so a process that exports
    /// none pays nothing for them.
    /// </summary>
    public static IHostApplicationBuilder AddBoxOfficeTelemetry(this IHostApplicationBuilder builder, string serviceName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceName);
        var configuration = builder.Configuration;
        var otlp = !string.IsNullOrWhiteSpace(configuration[OtlpEndpointKey]);
        var console = configuration.GetValue<bool>(ConsoleKey);
        var metrics = configuration.GetValue(MetricsEnabledKey, true);
        var name = configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } configured ? configured : serviceName;

        // What to record is configured whether or not a provider is built: a test that adds its own
        // exporter (WithTracing) gets exactly what an exporting process records.
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing =>
        {
            tracing.AddSource("BoxOffice.*")
                .AddAspNetCoreInstrumentation(o => o.Filter = http => !IsPlumbing(http.Request.Path))
                .AddHttpClientInstrumentation();
            if (configuration.GetValue<bool>(TraceDatabaseKey))
            {
                tracing.AddSource("Npgsql");
            }
        });

        var telemetry = builder.Services.AddOpenTelemetry().ConfigureResource(r => r.AddService(name));
        if (otlp || console)
        {
            telemetry.WithTracing(tracing =>
            {
                if (console)
                {
                    tracing.AddConsoleExporter();
                }
            });
        }

        if (metrics || otlp)
        {
            telemetry.WithMetrics(m =>
            {
                m.AddMeter("BoxOffice.*", "Npgsql")
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    // Requests per transaction: powers of two up to the group commit's largest batch.
                    .AddView("boxoffice.tickets.accept.batch_size", new ExplicitBucketHistogramConfiguration
                    {
                        Boundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024],
                    });
                if (metrics)
                {
                    m.AddPrometheusExporter();
                }
            });
        }

        if (otlp)
        {
            builder.Logging.AddOpenTelemetry(logging =>
            {
                logging.IncludeFormattedMessage = true;
                logging.IncludeScopes = true;
            });
            telemetry.WithLogging().UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>
    /// Maps <c>GET /metrics</c> (Prometheus text) unless <c>Telemetry:Metrics:Enabled</c> is false.
    /// Operators' data (accept rate, lags, dead letters, route latencies): answered only to callers
    /// on this machine (loopback) unless <c>Telemetry:Metrics:AllowRemote</c> is true; anyone else
    /// gets a 404, as for a path that does not exist. No bearer token: Prometheus scrapes without
    /// one, and the caller's address is the connection's own (forwarded headers are not read).
    /// </summary>
    public static IEndpointRouteBuilder MapBoxOfficeMetrics(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var configuration = endpoints.ServiceProvider.GetRequiredService<IConfiguration>();
        if (!configuration.GetValue(MetricsEnabledKey, true))
        {
            return endpoints;
        }

        var allowRemote = configuration.GetValue<bool>(MetricsAllowRemoteKey);
        endpoints.MapPrometheusScrapingEndpoint(MetricsPath, meterProvider: null, configureBranchedPipeline: branch =>
        {
            if (!allowRemote)
            {
                branch.Use(next => http => IsLocal(http) ? next(http) : NotFound(http));
            }
        }, optionsName: null);
        return endpoints;
    }

    private static Task NotFound(HttpContext http)
    {
        http.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }

    /// <summary>The caller is on this machine: a loopback address (an in-memory test server has none).</summary>
    internal static bool IsLocal(HttpContext http) =>
        http.Connection.RemoteIpAddress is not { } address || IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);

    /// <summary>Scrapes and health probes: every few seconds each, and never what a trace is looked for.</summary>
    private static bool IsPlumbing(PathString path) =>
        path.StartsWithSegments(MetricsPath, StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase);
}

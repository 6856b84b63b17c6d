using BoxOffice.ServiceDefaults;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.LoadBalancing;

namespace BoxOffice.Gateway;

/// <summary>A gateway setting that cannot work, said in one line.</summary>
public sealed class GatewayConfigurationException(string message) : Exception(message);

/// <summary>
/// The API gateway (YARP): each <c>/api</c> path to the service that owns it (<see cref="RouteTable"/>),
/// instances of one service load-balanced round robin and probed on <c>/health/ready</c>, every
/// other path to the web app when one is configured. Responses stream through unbuffered (the
/// notifications' Server-Sent Events included).
/// </summary>
public static class GatewayApp
{
    /// <summary>Where the gateway listens unless <c>--urls</c> (or <c>ASPNETCORE_URLS</c>) says: where the embedded host does.</summary>
    public const string DefaultUrl = "http://localhost:5080";

    /// <summary>The configuration section naming each service's instances: <c>Gateway:Services:&lt;service&gt;</c> = URLs separated by <c>;</c>.</summary>
    public const string ServicesSection = "Gateway:Services";

    /// <summary>Where each service listens when started with <c>--service</c> alone, used when <see cref="ServicesSection"/> is empty.</summary>
    internal static IReadOnlyDictionary<string, string> DefaultServices { get; } = RouteTable.ApiServices
        .Select((service, i) => (service, url: $"http://127.0.0.1:{5101 + i}"))
        .ToDictionary(s => s.service, s => s.url, StringComparer.Ordinal);

    /// <summary>Builds the gateway; <paramref name="configure"/> runs first (tests set URLs and configuration there).</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        // Quiet per-request logs unless asked: lines per proxied request would drown the rest.
        foreach (var category in new[] { "Microsoft.AspNetCore", "Yarp", "System.Net.Http.HttpClient" })
        {
            if (builder.Configuration[$"Logging:LogLevel:{category}"] is null)
            {
                builder.Logging.AddFilter(category, LogLevel.Warning);
            }
        }

        configure?.Invoke(builder);
        var services = ReadServices(builder.Configuration);
        var interval = builder.Configuration.GetValue("Gateway:HealthCheckInterval", TimeSpan.FromSeconds(5));
        builder.Services.AddReverseProxy().LoadFromMemory(
            RouteTable.Routes(services.Keys.ToHashSet(StringComparer.Ordinal)),
            [.. services.Select(s => Cluster(s.Key, s.Value, interval))]);
        // An instance that died (kill -9, a crash) refuses connections: leave it out after two such
        // failures rather than YARP's default ten, so few callers get a 502 before the probe sees it.
        builder.Services.Configure<TransportFailureRateHealthPolicyOptions>(o => o.MinimalTotalCountThreshold = 2);
        builder.Services.AddHealthChecks().AddCheck<EveryServiceReachable>("services", tags: ["ready"]);
        builder.Services.AddHttpClient(Subscriptions.HttpClientName, http => http.Timeout = TimeSpan.FromSeconds(10));
        builder.Services.AddProblemDetails();
        // Its http.server.request.duration is the gateway's latency as clients see it (docs/observability.md).
        builder.AddBoxOfficeTelemetry("boxoffice-gateway");
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);

        var app = builder.Build();
        app.UseBoxOfficeSecurityHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        app.MapBoxOfficeMetrics();
        Subscriptions.Map(app);
        // /api/… that no service owns: the gateway's own answer, shaped like the services' 404s.
        app.Map("/api/{**rest}", () => Problems.NotFound("No BoxOffice service serves this path."));
        app.MapReverseProxy();
        app.Lifetime.ApplicationStarted.Register(() => app.Logger.LogInformation(
            "BoxOffice gateway is running on {Urls}; {Services}", string.Join(", ", app.Urls),
            string.Join("; ", services.Select(s => $"{s.Key} → {string.Join(", ", s.Value)}"))));
        return app;
    }

    /// <summary>
    /// <see cref="ServicesSection"/>, each service's URLs; every API service must have one, the web
    /// app may. A name the gateway does not route (a typo) is refused rather than ignored.
    /// </summary>
    internal static IReadOnlyDictionary<string, IReadOnlyList<Uri>> ReadServices(IConfiguration configuration)
    {
        var section = configuration.GetSection(ServicesSection).GetChildren().ToList();
        var configured = section.Count == 0
            ? DefaultServices.ToDictionary(s => s.Key, s => (string?)s.Value, StringComparer.Ordinal)
            : section.ToDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal);
        var known = RouteTable.ApiServices.Append(RouteTable.Web).ToList();
        if (configured.Keys.FirstOrDefault(name => !known.Contains(name)) is { } unknown)
        {
            throw new GatewayConfigurationException(
                $"Cannot start the gateway: {ServicesSection}:{unknown} names no service; the services are {string.Join(", ", known)}.");
        }

        var result = new Dictionary<string, IReadOnlyList<Uri>>(StringComparer.Ordinal);
        foreach (var (name, value) in configured)
        {
            var urls = (value ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var parsed = urls.Select(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri : null).ToList();
            if (parsed.Count == 0 || parsed.Any(u => u is null))
            {
                throw new GatewayConfigurationException(
                    $"Cannot start the gateway: {ServicesSection}:{name} must be one or more http(s) URLs separated by ';', not '{value}'.");
            }

            result[name] = parsed!;
        }

        if (RouteTable.ApiServices.Where(s => !result.ContainsKey(s)).ToList() is { Count: > 0 } missing)
        {
            throw new GatewayConfigurationException(
                $"Cannot start the gateway: no address for {string.Join(", ", missing)}; set {ServicesSection}:<service> (env Gateway__Services__<service>) for each.");
        }

        return result;
    }

    private static ClusterConfig Cluster(string service, IReadOnlyList<Uri> urls, TimeSpan interval) => new()
    {
        ClusterId = service,
        // Instances are alike (state is in the service's database): take turns.
        LoadBalancingPolicy = LoadBalancingPolicies.RoundRobin,
        // One failed probe is enough to stop sending it traffic; the next good one brings it back.
        Metadata = new Dictionary<string, string> { ["ConsecutiveFailuresHealthPolicy.Threshold"] = "1" },
        Destinations = urls.Select((url, i) => (url, i)).ToDictionary(d => $"{service}-{d.i + 1}", d => new DestinationConfig { Address = d.url.ToString() }),
        HealthCheck = new HealthCheckConfig
        {
            // YARP's default sends to every instance when all are down ("panic"); an instance found
            // not ready must get no traffic, and the caller a 503, until it is ready again.
            AvailableDestinationsPolicy = HealthCheckConstants.AvailableDestinations.HealthyAndUnknown,
            // An instance that stops answering /health/ready is left out until it answers again;
            // one whose connections fail is left out at once (passive), without waiting for a probe.
            Active = new ActiveHealthCheckConfig
            {
                Enabled = true,
                Interval = interval,
                Timeout = TimeSpan.FromSeconds(5),
                Policy = HealthCheckConstants.ActivePolicy.ConsecutiveFailures,
                Path = "/health/ready",
            },
            Passive = new PassiveHealthCheckConfig
            {
                Enabled = true,
                Policy = HealthCheckConstants.PassivePolicy.TransportFailureRate,
                ReactivationPeriod = interval,
            },
        },
    };
}

using BoxOffice.Loyalty;
using BoxOffice.Messaging.Hosting;
using BoxOffice.Messaging.Operations;
using BoxOffice.Messaging.Storage;
using BoxOffice.ServiceDefaults;
using Microsoft.AspNetCore.HttpOverrides;

namespace BoxOffice.Host;

/// <summary>
/// Composes one service of the distributed deployment (<c>--service tickets</c>): that module with
/// its PostgreSQL database, the operators' API for its consumers, health and the shared edge,
/// behind the API gateway (<c>src/BoxOffice.Gateway</c>). Its events reach other services' processes
/// over RabbitMQ; it shares no file and no generated secret with them: every key it needs comes from
/// configuration, or it refuses to start.
/// </summary>
public static class ServiceHost
{
    /// <summary>The configuration key naming the one service to run (<c>--service</c>, env <c>BoxOffice__Service</c>).</summary>
    public const string ServiceKey = "BoxOffice:Service";

    /// <summary>
    /// The service asked for with <c>--service &lt;name&gt;</c>, <c>--BoxOffice:Service=&lt;name&gt;</c> or env
    /// <c>BoxOffice__Service</c>; null when none is (the embedded host then runs every service).
    /// </summary>
    public static string? Requested(string[] args)
    {
        var configuration = new ConfigurationBuilder()
            .AddEnvironmentVariables()
            .AddCommandLine(args, new Dictionary<string, string> { ["--service"] = ServiceKey })
            .Build();
        return configuration[ServiceKey] is { Length: > 0 } service ? service : null;
    }

    /// <summary>
    /// Builds the app of one service, refusing (<see cref="StartupFailed"/>) an unknown service and a
    /// configuration it cannot run apart with, every missing setting named at once. The caller runs it.
    /// </summary>
    public static Task<WebApplication> BuildAsync(string[] args, string service, Action<WebApplicationBuilder>? configure = null)
    {
        if (string.Equals(service, WebAppHost.Name, StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(WebAppHost.Build(args, configure));
        }

        var module = Module.Named(service) ?? throw new StartupFailed(
            $"Cannot start: there is no service '{service}'. --service (BoxOffice:Service) is one of {string.Join(", ", Module.All.Select(m => m.Name).Append(WebAppHost.Name))}.");
        var builder = WebEdge.CreateBuilder(args, $"http://localhost:{module.Port}", b =>
        {
            b.Configuration[ServiceKey] = module.Name;
            configure?.Invoke(b);
        });
        RefuseUnlessDistributed(builder.Configuration, module);
        DataFolder.MakePrivate(DataFolder.Resolve(builder.Configuration, builder.Environment));

        // Behind the gateway every request comes from its address: the per-address caps (logins,
        // registrations, live streams) must count the client it names, and only a proxy on this
        // machine is believed (ForwardedHeadersOptions' default known proxies are loopback).
        builder.Services.Configure<ForwardedHeadersOptions>(o => o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto);
        builder.AddEdge($"{EmbeddedHost.ServiceName}-{module.Name}", [module.Name]);
        module.Add(builder.Services.AddMessaging(builder.Configuration), builder.Configuration);

        var app = builder.Build();
        app.UseForwardedHeaders();
        app.UseEdge();
        module.Map(app);
        app.MapMessagingAdmin();
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var database = app.Services.GetRequiredKeyedService<ServiceDatabase>(module.Name);
            app.Logger.LogInformation("BoxOffice {Service} is running on {Urls}; its database is {Database}; events travel over RabbitMQ",
                module.Name, string.Join(", ", app.Urls), database.Location);
        });
        // A bad key is refused now, not at the first request.
        _ = app.Services.GetRequiredService<TokenSigning>();
        return Task.FromResult(app);
    }

    /// <summary>
    /// A service on its own needs the servers of the distributed deployment and the keys it shares
    /// with the other services (an embedded host generates those in its data folder; a service
    /// running apart must not: its partner would never see them).
    /// </summary>
    private static void RefuseUnlessDistributed(IConfiguration configuration, Module module)
    {
        var missing = new List<string>();
        void Require(bool present, string setting, string why)
        {
            if (!present)
            {
                missing.Add($"  - {setting} (env {setting.Replace(":", "__", StringComparison.Ordinal).Split('=')[0]}): {why}");
            }
        }

        bool Has(string key) => !string.IsNullOrWhiteSpace(configuration[key]);

        Require(configuration.GetValue("BoxOffice:Storage", StorageProvider.Sqlite) == StorageProvider.Postgres,
            "BoxOffice:Storage=Postgres", "each service keeps its database on PostgreSQL when services run apart");
        Require(Has("ConnectionStrings:Postgres"), "ConnectionStrings:Postgres", "the PostgreSQL server, \"Host=…;Username=…;Password=…\" (no Database: each service gets its own)");
        Require(Readiness.UsesRabbitMq(configuration), "Messaging:Transport=RabbitMq", "events travel between service processes over RabbitMQ");
        Require(Has("ConnectionStrings:RabbitMq"), "ConnectionStrings:RabbitMq", "the broker, amqp://user:password@host:5672/vhost");
        Require(Has($"{TokenOptions.Section}:{nameof(TokenOptions.SigningKey)}"), "Auth:SigningKey",
            "the base64 key (at least 32 bytes) every service checks access tokens with; the same in every service");
        if (module.Name == "tickets")
        {
            Require(Has(PaymentTokenSeal.PublicKeySetting), PaymentTokenSeal.PublicKeySetting,
                $"the public key (PEM) of Payments' {PaymentTokenSeal.PrivateKeySetting}, which buyers' payment tokens are sealed to");
        }

        if (module.Name == "payments")
        {
            Require(Has(PaymentTokenSeal.PrivateKeySetting), PaymentTokenSeal.PrivateKeySetting, "the RSA private key (PKCS#8 PEM) that opens buyers' sealed payment tokens");
            Require(Has("Payments:WebhookSecret"), "Payments:WebhookSecret", "the key the payment gateway signs its webhooks with (at least 24 characters)");
            Require(Has("Payments:GatewayUrl"), "Payments:GatewayUrl", "the payment gateway's address (the simulator runs as its own process)");
        }

        if (module.Name == "loyalty" && !LoyaltyModule.IsEnabled(configuration))
        {
            missing.Add("  - Loyalty:Enabled is false: a loyalty process would have nothing to run; do not start it");
        }

        if (missing.Count > 0)
        {
            throw new StartupFailed(
                $"Cannot start the {module.Name} service on its own:{Environment.NewLine}{string.Join(Environment.NewLine, missing)}"
                + $"{Environment.NewLine}scripts/distributed-up.sh sets all of them (README, \"Distributed\").");
        }
    }
}

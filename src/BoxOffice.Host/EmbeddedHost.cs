using BoxOffice.Host.Invariants;
using BoxOffice.Messaging.Hosting;
using BoxOffice.Messaging.Operations;
using BoxOffice.PaymentGateway;
using BoxOffice.ServiceDefaults;
using BoxOffice.Web;

namespace BoxOffice.Host;

/// <summary>Composes the embedded deployment: the same modules the distributed one runs, in one process.</summary>
public static class EmbeddedHost
{
    /// <summary>Serves <c>/openapi/v1.json</c> and <c>/scalar</c> outside Development too.</summary>
    public const string OpenApiEnabledKey = WebEdge.OpenApiEnabledKey;

    /// <summary>The embedded process's <c>service.name</c> in traces and metrics (unless <c>OTEL_SERVICE_NAME</c> is set).</summary>
    public const string ServiceName = "boxoffice";

    /// <summary>The file in the data folder holding the generated webhook secret, when none is configured.</summary>
    public const string WebhookSecretFile = "payments-webhook.secret";

    /// <summary>
    /// Starts the payment gateway simulator (a third party: its own web app and port, reached over
    /// HTTP), then builds the BoxOffice app wired to it. The caller runs the returned app.
    /// </summary>
    public static async Task<WebApplication> BuildAsync(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebEdge.CreateBuilder(args, "http://localhost:5080", configure);
        var gatewayUrls = builder.Configuration["PaymentGateway:Urls"] ?? "http://127.0.0.1:5081";
        foreach (var url in gatewayUrls.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            StartupFailed.ThrowIfPortTaken(url, "the payment gateway simulator", "PaymentGateway:Urls (env PaymentGateway__Urls)");
        }

        var dataDirectory = DataFolder.Resolve(builder.Configuration, builder.Environment);
        DataFolder.MakePrivate(dataDirectory);
        if (string.IsNullOrWhiteSpace(builder.Configuration["Payments:WebhookSecret"]))
        {
            // Payments and its embedded gateway must share a key nobody else knows; one generated
            // on first start and kept in the data folder survives restarts (pending webhooks stay valid).
            using var loggers = LoggerFactory.Create(l => l.AddConfiguration(builder.Configuration.GetSection("Logging")).AddSimpleConsole());
            builder.Configuration["Payments:WebhookSecret"] = DataFolder.ReadOrCreateSecret(
                dataDirectory, WebhookSecretFile, () => "whsec_" + DataFolder.RandomBase64(), loggers.CreateLogger(typeof(EmbeddedHost)));
        }

        var gateway = await StartGatewayAsync(builder, dataDirectory, gatewayUrls);
        builder.Configuration["Payments:GatewayUrl"] = gateway.Urls.First();

        builder.AddEdge(ServiceName, Module.All.Select(m => m.Name));
        var messaging = builder.Services.AddMessaging(builder.Configuration);
        foreach (var module in Module.All)
        {
            module.Add(messaging, builder.Configuration);
        }

        builder.Services.AddBoxOfficeWeb(builder.Configuration);

        builder.Services.AddSingleton(_ => new EmbeddedGateway(gateway));
        var app = builder.Build();
        app.UseEdge();
        foreach (var module in Module.All)
        {
            module.Map(app);
        }

        app.MapMessagingAdmin();
        app.MapCheckInvariants();
        app.MapBoxOfficeWeb();

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            // Only now is the app's own address known (it may be port 0): tell the gateway where webhooks go.
            gateway.Services.GetRequiredService<WebhookTarget>().Url = new Uri(new Uri(LoopbackUrl(app.Urls.First())), "/api/payments/webhook");
            var messaging = app.Services.GetRequiredService<MessagingRuntime>();
            app.Logger.LogInformation("BoxOffice is running embedded on {Urls}; open {WebUrl} in a browser; data lives in {DataDirectory} ({Storage}); payment gateway simulator on {Gateway}",
                string.Join(", ", app.Urls), app.Urls.First(), messaging.DataDirectory, messaging.StorageDescription, gateway.Urls.First());
        });
        // Owned by the app's container, so disposing the app stops the simulator even when the app
        // never started (a setting refused at start); on a normal stop it goes after the app.
        _ = app.Services.GetRequiredService<EmbeddedGateway>();
        // Every generated secret exists once the host is built, not at the first request.
        _ = app.Services.GetRequiredService<TokenSigning>();
        return app;
    }

    private static async Task<WebApplication> StartGatewayAsync(WebApplicationBuilder main, string dataDirectory, string urls)
    {
        var gateway = PaymentGatewayApp.Build([], g =>
        {
            g.WebHost.UseUrls(urls);
            // The API's own lifetime lines are the ones a user reads; the simulator's would say them twice.
            g.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
            g.Configuration.AddInMemoryCollection(main.Configuration.GetSection("PaymentGateway").AsEnumerable());
            // The embedded simulator signs with the key Payments checks, whatever else is configured.
            g.Configuration["PaymentGateway:WebhookSecret"] = main.Configuration["Payments:WebhookSecret"];
            g.Configuration["PaymentGateway:DataDirectory"] = main.Configuration["PaymentGateway:DataDirectory"] ?? Path.Combine(dataDirectory, "gateway");
        });
        await gateway.StartAsync();
        return gateway;
    }

    /// <summary>A wildcard or localhost binding, as a URL another local process can call.</summary>
    private static string LoopbackUrl(string url) =>
        url.Replace("://+", "://127.0.0.1", StringComparison.Ordinal).Replace("://*", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal).Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal);
}

/// <summary>The embedded payment gateway simulator, stopped and disposed with the app's container.</summary>
internal sealed class EmbeddedGateway(WebApplication gateway) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        await gateway.StopAsync();
        await gateway.DisposeAsync();
    }
}

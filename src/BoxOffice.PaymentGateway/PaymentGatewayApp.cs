using BoxOffice.PaymentGateway.Challenges;
using BoxOffice.PaymentGateway.Ledger;
using BoxOffice.PaymentGateway.PaymentIntents;
using BoxOffice.PaymentGateway.Refunds;
using BoxOffice.PaymentGateway.Simulation;
using BoxOffice.PaymentGateway.Storage;
using BoxOffice.PaymentGateway.Webhooks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace BoxOffice.PaymentGateway;

/// <summary>The Stripe-like payment gateway simulator, standalone or embedded in another host.</summary>
public static class PaymentGatewayApp
{
    /// <summary>Where the simulator listens when neither <c>--urls</c> nor <c>ASPNETCORE_URLS</c> says.</summary>
    public const string DefaultUrl = "http://localhost:5081";

    /// <summary>
    /// Builds the simulator. <paramref name="configure"/> runs before the simulator's own
    /// registrations, so it can add configuration, set URLs or replace <see cref="TimeProvider"/>.
    /// An embedded host starts the app on its own port (port 0 is fine), reads the address from
    /// <c>app.Urls</c> and sets <see cref="WebhookTarget.Url"/> in <c>app.Services</c>.
    /// </summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey])
            && string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.HttpPortsKey])
            && string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.HttpsPortsKey]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        // Quiet per-request logs by default. In code rather than an appsettings.json, which the Web
        // SDK would copy into the output of every project referencing this one.
        if (builder.Configuration["Logging:LogLevel:Microsoft.AspNetCore"] is null)
        {
            builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        }

        var services = builder.Services;
        services.AddOptions<GatewayOptions>()
            .Bind(builder.Configuration.GetSection(GatewayOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => o.LatencyMedianMs == 0 || o.LatencyP99Ms >= o.LatencyMedianMs, "LatencyP99Ms must not be below LatencyMedianMs.")
            .Validate(o => o.WebhookUrl is null || o.WebhookUrl.IsAbsoluteUri, "WebhookUrl must be an absolute URL.")
            .Validate(o => o.FailureBurstEverySeconds == 0 ? o.FailureBurstSeconds == 0 : o.FailureBurstSeconds >= 1 && o.FailureBurstSeconds < o.FailureBurstEverySeconds,
                "FailureBurstSeconds must be at least 1 and less than FailureBurstEverySeconds when bursts are on, and 0 when they are off.")
            .Validate(o => o.OutageSeconds > 0 || o.OutageAfterSeconds == 0, "OutageAfterSeconds needs OutageSeconds: how long the outage lasts.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.WebhookSecret) && o.WebhookSecret.Trim().Length >= GatewayOptions.MinWebhookSecretLength,
                $"PaymentGateway:WebhookSecret is required: the key (at least {GatewayOptions.MinWebhookSecretLength} characters) webhooks are signed with.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<WebhookTarget>();
        services.AddSingleton(sp => new GatewayDatabase(
            sp.GetRequiredService<IOptions<GatewayOptions>>().Value, sp.GetRequiredService<IHostEnvironment>()));
        // Registered before the webhook sender: hosted services start in order, and all before Kestrel.
        services.AddHostedService(sp => sp.GetRequiredService<GatewayDatabase>());
        services.AddSingleton<SimulatedConditions>();
        services.AddSingleton<WebhookOutbox>();
        services.AddHostedService<WebhookSender>();
        services.AddHttpClient(WebhookSender.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10));

        var app = builder.Build();
        // Even a bug answers like the provider would, never with a stack trace.
        app.UseExceptionHandler(failed => failed.Run(ApiResponse.ApiError("The gateway failed unexpectedly.").ExecuteAsync));
        var api = app.MapGroup("/v1");
        // Latency and injected failures apply to the payment API, not to the ledger or the
        // simulation report, the simulator's own inspection endpoints. Of them, only the outage
        // applies to the challenge page a person answers: the provider is down for everyone.
        var payments = api.MapGroup("").AddEndpointFilter<SimulatedConditionsFilter>();
        payments.MapCreatePaymentIntent();
        payments.MapGetPaymentIntent();
        payments.MapCancelPaymentIntent();
        payments.MapCreateRefund();
        api.MapGetLedger();
        api.MapGetSimulation();
        app.MapGroup("").AddEndpointFilter<OutageFilter>().MapChallenge();
        return app;
    }
}

using BoxOffice.Contracts.Tickets;
using BoxOffice.Messaging.Hosting;
using BoxOffice.Payments.Cancelling;
using BoxOffice.Payments.Charging;
using BoxOffice.Payments.Gateway;
using BoxOffice.Payments.Refunding;
using BoxOffice.Payments.Storage;
using BoxOffice.Payments.Webhooks;
using BoxOffice.ServiceDefaults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;

namespace BoxOffice.Payments;

/// <summary>
/// The Payments module: charges buyers for held tickets and refunds them through the payment
/// gateway, and publishes <c>payments.*</c> events about the outcome.
/// </summary>
public static class PaymentsModule
{
    /// <summary>
    /// Adds the <c>payments</c> database and consumer (of <c>TicketsHeld</c>, <c>RefundRequested</c>
    /// and <c>TicketsReleased</c>), the gateway client and the dispatcher that calls it, with options
    /// from the <c>Payments</c> section (<c>GatewayUrl</c> and <c>WebhookSecret</c> are required), validated at start.
    /// </summary>
    public static MessagingBuilder AddPayments(this MessagingBuilder messaging, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(messaging);
        ArgumentNullException.ThrowIfNull(configuration);
        var services = messaging.Services;
        services.AddOptions<PaymentsOptions>()
            .Bind(configuration.GetSection(PaymentsOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => o.GatewayUrl is { IsAbsoluteUri: true }, "Payments:GatewayUrl must be an absolute URL.")
            .Validate(o => IsStrongSecret(o.WebhookSecret),
                $"Payments:WebhookSecret is required: the key (at least {PaymentsOptions.MinWebhookSecretLength} characters) the gateway signs its webhooks with.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<PaymentsMetrics>();
        // The only key that opens buyers' payment tokens; Tickets gets its public half.
        services.TryAddSingleton(sp => PaymentTokenPrivateKey.Load(
            configuration, sp.GetRequiredService<IHostEnvironment>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(PaymentsModule).FullName!)));
        services.AddSingleton<DispatchSignal>();
        services.AddSingleton<PaymentDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<PaymentDispatcher>());

        services.AddHttpClient<GatewayClient>((sp, http) =>
            {
                var url = sp.GetRequiredService<IOptions<PaymentsOptions>>().Value.GatewayUrl!.ToString();
                // A trailing slash keeps a base path when the relative API paths are resolved against it.
                http.BaseAddress = new Uri(url.EndsWith('/') ? url : url + "/");
            })
            .AddResilienceHandler("gateway", (pipeline, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptions<PaymentsOptions>>().Value;
                // Outermost first. Retries resend the same request message, Idempotency-Key header
                // included, so a retried charge that did go through the first time is answered
                // from the gateway's record instead of charging again.
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = 3,
                    Delay = TimeSpan.FromMilliseconds(200),
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                });
                // A gateway that fails most calls is left alone for a while; the payments wait in
                // the database and the dispatcher asks again after its backoff.
                pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                {
                    FailureRatio = 0.5,
                    MinimumThroughput = 20,
                    SamplingDuration = TimeSpan.FromSeconds(30),
                    BreakDuration = TimeSpan.FromSeconds(5),
                });
                pipeline.AddTimeout(options.AttemptTimeout);
            });

        return messaging
            .AddDatabase(PaymentsSchema.Database, PaymentsSchema.Migrations)
            .AddConsumer("payments", PaymentsSchema.Database, c => c
                .Handle<TicketsHeld, ChargeOnTicketsHeld>()
                .Handle<RefundRequested, RefundOnRefundRequested>()
                .Handle<TicketsReleased, CancelOnTicketsReleased>());
    }

    private static bool IsStrongSecret(string? secret) =>
        !string.IsNullOrWhiteSpace(secret) && secret.Trim().Length >= PaymentsOptions.MinWebhookSecretLength;

    /// <summary>Maps the gateway's webhook, <c>POST /api/payments/webhook</c> (anonymous, signature-checked).</summary>
    public static IEndpointRouteBuilder MapPayments(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ReceiveGatewayWebhook.Map(endpoints);
        return endpoints;
    }
}

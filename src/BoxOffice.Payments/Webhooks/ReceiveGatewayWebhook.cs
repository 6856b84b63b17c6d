using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BoxOffice.Messaging.Storage;
using BoxOffice.Payments.Gateway;
using BoxOffice.Payments.Storage;
using BoxOffice.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BoxOffice.Payments.Webhooks;

/// <summary>
/// <c>POST /api/payments/webhook</c>: the gateway reports what happened to an intent after the
/// charge call answered (the buyer passed or abandoned the challenge). Anonymous, because the
/// signature over the raw body is what authenticates it. A repeated webhook finds the payment
/// already settled and changes nothing, so the gateway's redeliveries are harmless.
/// A correctly signed webhook that does not match a payment of ours (no such payment, another
/// intent than the charge created, another amount or currency) is answered 200 all the same, logged
/// as a warning and counted (<c>boxoffice.payments.webhooks.rejected</c>, tag <c>reason</c>): a
/// 2xx stops the gateway redelivering a message that will never be applied, and the mismatch is an
/// operator's matter, not the sender's.
/// </summary>
internal static partial class ReceiveGatewayWebhook
{
    public const string Path = "/api/payments/webhook";

    private const string UnknownPayment = "unknown-payment";

    // Larger than any webhook the gateway sends; a bound on what an anonymous caller makes us read.
    private const int MaxBodyBytes = 64 * 1024;

    public static IEndpointConventionBuilder Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost(Path, HandleAsync).AllowAnonymous().ExcludeFromDescription();

    private static async Task<IResult> HandleAsync(
        HttpRequest request,
        [FromKeyedServices(PaymentsSchema.Database)] ServiceDatabase database,
        IOptions<PaymentsOptions> options,
        PaymentsMetrics metrics,
        TimeProvider time,
        ILoggerFactory loggers,
        CancellationToken ct)
    {
        var logger = loggers.CreateLogger(typeof(ReceiveGatewayWebhook));
        var body = await ReadBodyAsync(request, ct);
        if (body is null || !WebhookSignature.IsValid(request.Headers["Gateway-Signature"], body, options.Value.WebhookSecret!, time.GetUtcNow()))
        {
            LogInvalidSignature(logger);
            return Problems.Result(ProblemTypes.InvalidSignature,
                "The Gateway-Signature header is missing, malformed, too old or does not match the body.");
        }

        GatewayWebhook? webhook;
        try
        {
            webhook = JsonSerializer.Deserialize(body, GatewayJson.Default.GatewayWebhook);
        }
        catch (JsonException)
        {
            webhook = null;
        }

        if (webhook is not { Type: { } type, Data: { } intent })
        {
            return Problems.Result(ProblemTypes.InvalidRequest with { Title = "Invalid webhook" }, "The body is not a gateway webhook.");
        }

        if (!Guid.TryParse(intent.Metadata?.ReservationId, out var reservationId))
        {
            LogNotOurs(logger, webhook.Id, type);
            metrics.WebhookRejected(UnknownPayment);
            return TypedResults.Ok();
        }

        WebhookVerdict? verdict = null;
        var decision = await PaymentStore.DecideAsync(database, reservationId, (payment, now) =>
        {
            verdict = payment.WebhookReceived(type, intent.Id, intent.Amount, intent.Currency, now);
            return verdict is WebhookVerdict.Applied applied ? applied.Decision : PaymentDecision.Unchanged(payment);
        }, time, ct);
        switch (verdict)
        {
            case null:
                LogNotOurs(logger, webhook.Id, type);
                metrics.WebhookRejected(UnknownPayment);
                break;
            case WebhookVerdict.Rejected rejected:
                // Nothing was written.
                var payment = decision!.Payment;
                LogRejected(logger, webhook.Id, type, reservationId, rejected.Tag, intent.Id, intent.Amount, intent.Currency,
                    payment.IntentId, payment.Amount, payment.Currency);
                metrics.WebhookRejected(rejected.Tag);
                break;
            case WebhookVerdict.Applied when decision!.Changed:
                LogApplied(logger, webhook.Id, type, reservationId, decision.Payment.Status);
                break;
            default:
                LogNoEffect(logger, webhook.Id, type, reservationId, decision!.Payment.Status);
                break;
        }

        return TypedResults.Ok();
    }

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected a gateway webhook with a missing, malformed, stale or wrong signature")]
    private static partial void LogInvalidSignature(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {WebhookId} ({Type}) names no payment of ours; acknowledged and ignored")]
    private static partial void LogNotOurs(ILogger logger, string? webhookId, string type);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {WebhookId} ({Type}) for reservation {ReservationId} is correctly signed but does not match its payment ({Reason}): "
        + "intent {IntentId}, {Amount} {Currency} where the payment has intent {PaymentIntentId}, {PaymentAmount} {PaymentCurrency}; acknowledged and ignored")]
    private static partial void LogRejected(ILogger logger, string? webhookId, string type, Guid reservationId, string reason,
        string? intentId, long? amount, string? currency, string? paymentIntentId, long paymentAmount, string paymentCurrency);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook {WebhookId} ({Type}) settled reservation {ReservationId}: {Status}")]
    private static partial void LogApplied(ILogger logger, string? webhookId, string type, Guid reservationId, PaymentStatus status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook {WebhookId} ({Type}) for reservation {ReservationId} has no effect: the payment is {Status}")]
    private static partial void LogNoEffect(ILogger logger, string? webhookId, string type, Guid reservationId, PaymentStatus status);
}

/// <summary>
/// The gateway's webhook signature: <c>Gateway-Signature: t={unix seconds},v1={hex}</c> where the
/// hex is HMAC-SHA256(secret, "{t}.{raw body}"). The timestamp is signed too, so an old webhook
/// cannot be replayed with a fresh one.
/// </summary>
internal static class WebhookSignature
{
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body) =>
        $"t={timestamp.ToString(CultureInfo.InvariantCulture)},v1={Convert.ToHexStringLower(Compute(secret, timestamp, body))}";

    public static bool IsValid(string? header, ReadOnlySpan<byte> body, string secret, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(header))
        {
            return false;
        }

        long? timestamp = null;
        List<byte[]> signatures = [];
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var (key, value) = part.IndexOf('=', StringComparison.Ordinal) is var eq and > 0 ? (part[..eq], part[(eq + 1)..]) : (part, "");
            if (key == "t" && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var t))
            {
                timestamp = t;
            }
            else if (key == "v1" && value.Length == 64 && IsHex(value))
            {
                signatures.Add(Convert.FromHexString(value));
            }
        }

        // Too old is a possible replay; too far ahead is a clock we do not trust either.
        if (timestamp is not { } signedAt || signatures.Count == 0
            || signedAt > DateTimeOffset.MaxValue.ToUnixTimeSeconds()
            || (now - DateTimeOffset.FromUnixTimeSeconds(signedAt)).Duration() > Tolerance)
        {
            return false;
        }

        var expected = Compute(secret, signedAt, body);
        var valid = false;
        foreach (var signature in signatures)
        {
            // Constant time, so the comparison does not tell an attacker how much of a guess was right.
            valid |= CryptographicOperations.FixedTimeEquals(expected, signature);
        }

        return valid;
    }

    private static byte[] Compute(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
    }

    private static bool IsHex(string value) => value.All(char.IsAsciiHexDigit);
}

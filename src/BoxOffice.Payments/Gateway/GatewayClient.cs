using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace BoxOffice.Payments.Gateway;

/// <summary>What the gateway answered to a charge.</summary>
internal abstract record ChargeResult
{
    private ChargeResult()
    {
    }

    public sealed record Succeeded(string IntentId) : ChargeResult;

    public sealed record Declined(string IntentId, string Reason) : ChargeResult;

    public sealed record ActionRequired(string IntentId, Uri ChallengeUrl) : ChargeResult;

    /// <summary>400 <c>invalid_request_error</c>: refused before anything was charged (an unknown token, say).</summary>
    public sealed record Rejected(string Message) : ChargeResult;

    /// <summary>No usable answer (transport error, timeout, 5xx, 429 …): the charge may or may not have happened.</summary>
    public sealed record Unknown(string Error) : ChargeResult;
}

/// <summary>What the gateway answered to a refund.</summary>
internal abstract record RefundResult
{
    private RefundResult()
    {
    }

    public sealed record Refunded(string RefundId, long Amount, string Currency) : RefundResult;

    public sealed record Rejected(string Message) : RefundResult;

    public sealed record Unknown(string Error) : RefundResult;
}

/// <summary>What the gateway answered to cancelling an intent.</summary>
internal abstract record CancelResult
{
    private CancelResult()
    {
    }

    public sealed record Canceled : CancelResult;

    /// <summary>400 <c>payment_intent_unexpected_state</c>: the intent can no longer be cancelled (it succeeded).</summary>
    public sealed record NotCancellable(string Message) : CancelResult;

    public sealed record Rejected(string Message) : CancelResult;

    public sealed record Unknown(string Error) : CancelResult;
}

/// <summary>
/// The payment gateway's HTTP API (docs/specs/payment-gateway.md), typed. The resilience handler
/// in front of it times out and retries single attempts; this class turns whatever came back
/// into a result and never throws for a gateway failure.
/// </summary>
internal sealed class GatewayClient(HttpClient http)
{
    public async Task<ChargeResult> ChargeAsync(Payment payment, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(payment);
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/payment_intents")
        {
            Content = JsonContent.Create(
                new ChargeRequest(payment.Amount, payment.Currency, payment.Token,
                    new GatewayMetadata(payment.ReservationId.ToString("D"), payment.Id.ToString("D"))),
                GatewayJson.Default.ChargeRequest),
        };
        // The reservation id is the idempotency key. It is a header of this message, so every
        // resend (the resilience handler's retries, the dispatcher's later attempts, a restart)
        // is the same charge to the gateway, which answers its first outcome and charges once.
        request.Headers.Add("Idempotency-Key", payment.ReservationId.ToString("D"));
        try
        {
            using var response = await http.SendAsync(request, ct);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var intent = await response.Content.ReadFromJsonAsync(GatewayJson.Default.PaymentIntent, ct);
                return intent switch
                {
                    { Id: { } id, Status: "succeeded" } => new ChargeResult.Succeeded(id),
                    { Id: { } id, Status: "declined" } => new ChargeResult.Declined(id, intent.DeclineReason ?? "declined"),
                    { Id: { } id, Status: "requires_action", ChallengeUrl: { } url } => new ChargeResult.ActionRequired(id, url),
                    _ => new ChargeResult.Unknown($"unexpected payment intent status '{intent?.Status}'"),
                };
            }

            var error = await ErrorAsync(response, ct);
            return error is { Type: "invalid_request_error" }
                ? new ChargeResult.Rejected(error.Message ?? "invalid request")
                : new ChargeResult.Unknown(Describe(response, error));
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // Transport errors, attempt timeouts, an open circuit, a garbled body: no outcome known.
            return new ChargeResult.Unknown($"{ex.GetType().Name}: {ex.Message}");
        }
    }

    public async Task<RefundResult> RefundAsync(Payment payment, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(payment);
        if (payment.IntentId is null)
        {
            return new RefundResult.Rejected("the payment has no payment intent to refund");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/refunds")
        {
            Content = JsonContent.Create(new RefundRequest(payment.IntentId, payment.Amount), GatewayJson.Default.RefundRequest),
        };
        // One refund per reservation, whatever the number of attempts: the key is derived from
        // the reservation and distinct from the charge's key.
        request.Headers.Add("Idempotency-Key", $"refund-{payment.ReservationId:D}");
        try
        {
            using var response = await http.SendAsync(request, ct);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var refund = await response.Content.ReadFromJsonAsync(GatewayJson.Default.Refund, ct);
                return refund is { Id: { } id, Status: "succeeded" }
                    ? new RefundResult.Refunded(id, refund.Amount ?? payment.Amount, refund.Currency ?? payment.Currency)
                    : new RefundResult.Unknown($"unexpected refund status '{refund?.Status}'");
            }

            var error = await ErrorAsync(response, ct);
            return error is { Type: "invalid_request_error" }
                ? new RefundResult.Rejected(error.Message ?? "invalid request")
                : new RefundResult.Unknown(Describe(response, error));
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            return new RefundResult.Unknown($"{ex.GetType().Name}: {ex.Message}");
        }
    }

    public async Task<CancelResult> CancelAsync(Payment payment, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(payment);
        if (payment.IntentId is null)
        {
            return new CancelResult.Rejected("the payment has no payment intent to cancel");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, $"v1/payment_intents/{Uri.EscapeDataString(payment.IntentId)}/cancel");
        // One cancel per reservation, whatever the number of attempts (cancelling is idempotent at
        // the gateway too; the key makes a lost answer come back the same).
        request.Headers.Add("Idempotency-Key", $"cancel-{payment.ReservationId:D}");
        try
        {
            using var response = await http.SendAsync(request, ct);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var intent = await response.Content.ReadFromJsonAsync(GatewayJson.Default.PaymentIntent, ct);
                return intent is { Status: "canceled" }
                    ? new CancelResult.Canceled()
                    : new CancelResult.Unknown($"unexpected payment intent status '{intent?.Status}'");
            }

            var error = await ErrorAsync(response, ct);
            return error switch
            {
                { Code: "payment_intent_unexpected_state" } => new CancelResult.NotCancellable(error.Message ?? "the payment intent cannot be cancelled"),
                { Type: "invalid_request_error" } => new CancelResult.Rejected(error.Message ?? "invalid request"),
                _ => new CancelResult.Unknown(Describe(response, error)),
            };
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            return new CancelResult.Unknown($"{ex.GetType().Name}: {ex.Message}");
        }
    }

    private static async Task<GatewayError?> ErrorAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.StatusCode != HttpStatusCode.BadRequest)
        {
            return null;
        }

        try
        {
            return (await response.Content.ReadFromJsonAsync(GatewayJson.Default.ErrorResponse, ct))?.Error;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Describe(HttpResponseMessage response, GatewayError? error) =>
        error is null ? $"HTTP {(int)response.StatusCode}" : $"HTTP {(int)response.StatusCode} {error.Type}: {error.Message}";
}

internal sealed record GatewayMetadata(string? ReservationId, string? PaymentId);

internal sealed record ChargeRequest(long Amount, string Currency, string Token, GatewayMetadata Metadata);

internal sealed record RefundRequest(string PaymentIntent, long? Amount);

internal sealed record PaymentIntent(string? Id, string? Status, long? Amount, string? Currency, Uri? ChallengeUrl, string? DeclineReason, GatewayMetadata? Metadata);

internal sealed record Refund(string? Id, string? Status, string? PaymentIntent, long? Amount, string? Currency);

internal sealed record GatewayError(string? Type, string? Message, string? Code = null);

internal sealed record ErrorResponse(GatewayError? Error);

/// <summary>A gateway webhook: <c>{id, type, data: {id, status, amount, currency, metadata}}</c>.</summary>
internal sealed record GatewayWebhook(string? Id, string? Type, PaymentIntent? Data);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ChargeRequest))]
[JsonSerializable(typeof(RefundRequest))]
[JsonSerializable(typeof(PaymentIntent))]
[JsonSerializable(typeof(Refund))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(GatewayWebhook))]
internal sealed partial class GatewayJson : JsonSerializerContext;

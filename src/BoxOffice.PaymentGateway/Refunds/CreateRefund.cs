using BoxOffice.PaymentGateway.Idempotency;
using BoxOffice.PaymentGateway.Ledger;
using BoxOffice.PaymentGateway.PaymentIntents;
using BoxOffice.PaymentGateway.Simulation;
using BoxOffice.PaymentGateway.Storage;

namespace BoxOffice.PaymentGateway.Refunds;

internal sealed record CreateRefundRequest(string? PaymentIntent, long? Amount);

internal sealed record Refund(string Id, string Status, string PaymentIntent, long Amount, string Currency);

/// <summary>POST /v1/refunds: give back all (or part) of a succeeded payment, once.</summary>
internal static class CreateRefund
{
    public static RouteHandlerBuilder MapCreateRefund(this IEndpointRouteBuilder app) => app.MapPost("/refunds", HandleAsync);

    private static async Task<IResult> HandleAsync(
        HttpRequest request, GatewayDatabase db, SimulatedConditions conditions, TimeProvider time, CancellationToken ct)
    {
        if (ApiRequest.IdempotencyKey(request) is not { } key)
        {
            return ApiResponse.InvalidRequest($"The {ApiRequest.IdempotencyKeyHeader} header is required (1 to 255 characters).");
        }

        var (body, invalid) = await ApiRequest.ReadJsonAsync<CreateRefundRequest>(request, ct);
        if (body is null)
        {
            return invalid!;
        }

        if (body is not { PaymentIntent: { Length: > 0 } paymentIntent } || body.Amount <= 0)
        {
            return ApiResponse.InvalidRequest("paymentIntent is required; amount, if given, must be a positive integer in minor units.");
        }

        var fingerprint = ApiRequest.Fingerprint("POST /v1/refunds", paymentIntent, body.Amount);
        var outcome = await IdempotentRequests.RunAsync(db, time, key, fingerprint, async tx =>
        {
            // Checked inside the write transaction: two refunds of one intent cannot both pass.
            var intent = await Intents.FindAsync(tx, paymentIntent, ct);
            if (intent is null)
            {
                return ApiResponse.InvalidRequest($"No such payment_intent: '{paymentIntent}'.");
            }

            if (intent.Status != IntentStatus.Succeeded)
            {
                return ApiResponse.InvalidRequest($"Payment intent '{paymentIntent}' is {intent.Status}; only a succeeded payment can be refunded.");
            }

            if (await LedgerEntries.HasAsync(tx, LedgerEntries.Refund, paymentIntent, ct))
            {
                return ApiResponse.InvalidRequest($"Payment intent '{paymentIntent}' has already been refunded.");
            }

            var amount = body.Amount ?? intent.Amount;
            if (amount > intent.Amount)
            {
                return ApiResponse.InvalidRequest($"The refund ({amount}) is greater than the payment ({intent.Amount}).");
            }

            var refund = new Refund(Ids.New("re"), "succeeded", paymentIntent, amount, intent.Currency);
            await LedgerEntries.RecordAsync(tx, LedgerEntries.Refund, refund.Id, intent, amount, time.GetUtcNow(), ct);
            return ApiResponse.Ok(refund);
        }, ct);

        return outcome.Executed && conditions.LosesAnswer(charged: false)
            ? new LostAnswer(conditions.TimeoutDelay, time)
            : outcome.Response;
    }
}

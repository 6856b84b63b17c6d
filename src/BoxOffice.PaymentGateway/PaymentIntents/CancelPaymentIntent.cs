using BoxOffice.PaymentGateway.Idempotency;
using BoxOffice.PaymentGateway.Storage;
using BoxOffice.PaymentGateway.Webhooks;

namespace BoxOffice.PaymentGateway.PaymentIntents;

/// <summary>
/// POST /v1/payment_intents/{id}/cancel: the merchant gives up on an intent that is not paid, with
/// Stripe's rules. Allowed while it awaits the customer's challenge (requires_action) or after the
/// customer failed it (failed, Stripe's requires_payment_method); the challenge page then refuses
/// to charge it. A canceled intent cancelled again is answered as it is. Anything else (succeeded,
/// declined) is 400 <c>payment_intent_unexpected_state</c>: the money, if taken, stays taken and
/// is refunded the ordinary way.
/// </summary>
internal static class CancelPaymentIntent
{
    public static RouteHandlerBuilder MapCancelPaymentIntent(this IEndpointRouteBuilder app) => app.MapPost("/payment_intents/{id}/cancel", HandleAsync);

    private static async Task<IResult> HandleAsync(
        string id, HttpRequest request, GatewayDatabase db, WebhookOutbox webhooks, TimeProvider time, CancellationToken ct)
    {
        if (ApiRequest.IdempotencyKey(request) is not { } key)
        {
            return ApiResponse.InvalidRequest($"The {ApiRequest.IdempotencyKeyHeader} header is required (1 to 255 characters).");
        }

        var canceled = false;
        var outcome = await IdempotentRequests.RunAsync(db, time, key, ApiRequest.Fingerprint("POST /v1/payment_intents/{id}/cancel", id), async tx =>
        {
            // Read and changed in the write transaction, as the challenge page does: of a cancel and
            // a confirmation racing, exactly one wins.
            var intent = await Intents.FindAsync(tx, id, ct);
            switch (intent?.Status)
            {
                case null:
                    return ApiResponse.NotFound($"No such payment_intent: '{id}'.");
                case IntentStatus.Canceled:
                    return ApiResponse.Ok(intent.Current());
                case IntentStatus.RequiresAction or IntentStatus.Failed:
                    var done = intent with { Status = IntentStatus.Canceled };
                    await Intents.UpdateStatusAsync(tx, id, done.Status, done.DeclineReason, time.GetUtcNow(), ct);
                    await webhooks.EnqueueAsync(tx, WebhookTypes.PaymentCanceled, done, ct);
                    canceled = true;
                    return ApiResponse.Ok(done.Current());
                default:
                    return ApiResponse.UnexpectedState(
                        $"You cannot cancel this PaymentIntent because it has a status of {intent.Status}. Only a PaymentIntent with a status of requires_action or failed can be canceled.");
            }
        }, ct);

        if (canceled && outcome.Executed)
        {
            webhooks.Notify();
        }

        return outcome.Response;
    }
}

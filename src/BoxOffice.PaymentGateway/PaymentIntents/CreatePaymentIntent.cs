using System.Text.Json;
using BoxOffice.PaymentGateway.Idempotency;
using BoxOffice.PaymentGateway.Ledger;
using BoxOffice.PaymentGateway.Simulation;
using BoxOffice.PaymentGateway.Storage;

namespace BoxOffice.PaymentGateway.PaymentIntents;

internal sealed record CreatePaymentIntentRequest(long? Amount, string? Currency, string? Token, Dictionary<string, JsonElement>? Metadata);

/// <summary>POST /v1/payment_intents: charge a test card, or ask for a 3-D Secure challenge.</summary>
internal static class CreatePaymentIntent
{
    public const string Visa = "tok_visa";
    public const string ChargeDeclined = "tok_chargeDeclined";
    public const string ThreeDSecureRequired = "tok_threeDSecureRequired";

    public static RouteHandlerBuilder MapCreatePaymentIntent(this IEndpointRouteBuilder app) => app.MapPost("/payment_intents", HandleAsync);

    /// <summary>What a test token does; null for a token the simulator does not know.</summary>
    internal static (string Status, string? DeclineReason)? Decide(string token) => token switch
    {
        Visa => (IntentStatus.Succeeded, null),
        ChargeDeclined => (IntentStatus.Declined, "card_declined"),
        ThreeDSecureRequired => (IntentStatus.RequiresAction, null),
        _ => null,
    };

    private static async Task<IResult> HandleAsync(
        HttpRequest request, GatewayDatabase db, SimulatedConditions conditions, TimeProvider time, CancellationToken ct)
    {
        if (ApiRequest.IdempotencyKey(request) is not { } key)
        {
            return ApiResponse.InvalidRequest($"The {ApiRequest.IdempotencyKeyHeader} header is required (1 to 255 characters).");
        }

        var (body, invalid) = await ApiRequest.ReadJsonAsync<CreatePaymentIntentRequest>(request, ct);
        if (body is null)
        {
            return invalid!;
        }

        if (body is not { Amount: long amount and > 0, Currency.Length: 3, Token: { Length: > 0 } token })
        {
            return ApiResponse.InvalidRequest("amount (a positive integer in minor units), currency (3 letters) and token are required.");
        }

        if (Decide(token) is not { } decision)
        {
            return ApiResponse.InvalidRequest($"No such token: '{token}'. Use {Visa}, {ChargeDeclined} or {ThreeDSecureRequired}.");
        }

        var (status, declineReason) = decision;
        var metadata = Intents.SortedMetadata(body.Metadata);
        var fingerprint = ApiRequest.Fingerprint("POST /v1/payment_intents", amount, body.Currency, token, metadata);
        var outcome = await IdempotentRequests.RunAsync(db, time, key, fingerprint, async tx =>
        {
            var id = Ids.New("pi");
            var challengeUrl = status == IntentStatus.RequiresAction
                ? $"{request.Scheme}://{request.Host}{request.PathBase}/challenge/{id}"
                : null;
            var intent = new PaymentIntent(id, status, amount, body.Currency, challengeUrl, declineReason, metadata);
            var now = time.GetUtcNow();
            await Intents.InsertAsync(tx, intent, token, now, ct);
            if (status == IntentStatus.Succeeded)
            {
                await LedgerEntries.RecordAsync(tx, LedgerEntries.Charge, Ids.New("ch"), intent, amount, now, ct);
            }

            return ApiResponse.Ok(intent);
        }, ct);

        return outcome.Executed && conditions.LosesAnswer(charged: status == IntentStatus.Succeeded)
            ? new LostAnswer(conditions.TimeoutDelay, time)
            : outcome.Response;
    }
}

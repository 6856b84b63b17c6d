using BoxOffice.PaymentGateway.Storage;

namespace BoxOffice.PaymentGateway.PaymentIntents;

/// <summary>GET /v1/payment_intents/{id}: the intent as it is now.</summary>
internal static class GetPaymentIntent
{
    public static RouteHandlerBuilder MapGetPaymentIntent(this IEndpointRouteBuilder app) => app.MapGet("/payment_intents/{id}", HandleAsync);

    private static async Task<ApiResponse> HandleAsync(string id, GatewayDatabase db, CancellationToken ct) =>
        await Intents.FindAsync(db, id, ct) is { } intent
            ? ApiResponse.Ok(intent.Current())
            : ApiResponse.NotFound($"No such payment_intent: '{id}'.");
}

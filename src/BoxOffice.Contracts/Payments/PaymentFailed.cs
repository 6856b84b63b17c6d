using System.Text.Json.Serialization.Metadata;

namespace BoxOffice.Contracts.Payments;

/// <summary>The gateway did not charge the buyer; the reservation cannot be paid.</summary>
/// <param name="PaymentId">The payment.</param>
/// <param name="ReservationId">The reservation.</param>
/// <param name="UserId">The buyer.</param>
/// <param name="Reason">Why, in words (for example "card declined").</param>
public sealed record PaymentFailed(
    Guid PaymentId,
    Guid ReservationId,
    Guid UserId,
    string Reason) : IEvent<PaymentFailed>
{
    /// <inheritdoc />
    public static string WireName => "payments.failed.v1";

    /// <inheritdoc />
    public static JsonTypeInfo<PaymentFailed> JsonTypeInfo => ContractsJson.Default.PaymentFailed;
}

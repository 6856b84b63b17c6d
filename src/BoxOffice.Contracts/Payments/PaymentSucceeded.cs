using System.Text.Json.Serialization.Metadata;

namespace BoxOffice.Contracts.Payments;

/// <summary>The gateway charged the buyer for a reservation.</summary>
/// <param name="PaymentId">The payment.</param>
/// <param name="ReservationId">The reservation paid for.</param>
/// <param name="UserId">The buyer.</param>
/// <param name="Amount">What was charged, in minor units.</param>
/// <param name="Currency">ISO 4217 code.</param>
public sealed record PaymentSucceeded(
    Guid PaymentId,
    Guid ReservationId,
    Guid UserId,
    long Amount,
    string Currency) : IEvent<PaymentSucceeded>
{
    /// <inheritdoc />
    public static string WireName => "payments.succeeded.v1";

    /// <inheritdoc />
    public static JsonTypeInfo<PaymentSucceeded> JsonTypeInfo => ContractsJson.Default.PaymentSucceeded;
}

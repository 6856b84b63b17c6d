using System.Text.Json.Serialization.Metadata;

namespace BoxOffice.Contracts.Payments;

/// <summary>The gateway returned a charge to the buyer.</summary>
/// <param name="PaymentId">The payment refunded.</param>
/// <param name="ReservationId">The reservation.</param>
/// <param name="UserId">The buyer.</param>
/// <param name="Amount">What was refunded, in minor units.</param>
/// <param name="Currency">ISO 4217 code.</param>
public sealed record PaymentRefunded(
    Guid PaymentId,
    Guid ReservationId,
    Guid UserId,
    long Amount,
    string Currency) : IEvent<PaymentRefunded>
{
    /// <inheritdoc />
    public static string WireName => "payments.refunded.v1";

    /// <inheritdoc />
    public static JsonTypeInfo<PaymentRefunded> JsonTypeInfo => ContractsJson.Default.PaymentRefunded;
}

using System.Text.Json.Serialization.Metadata;

namespace BoxOffice.Contracts.Tickets;

/// <summary>
/// A payment succeeded for a reservation that can no longer be honoured (expired, released or
/// cancelled): the buyer must get the money back.
/// </summary>
/// <param name="ReservationId">The reservation whose payment is refunded.</param>
/// <param name="UserId">The buyer.</param>
/// <param name="Amount">What to refund, in minor units.</param>
/// <param name="Currency">ISO 4217 code.</param>
/// <param name="Reason">Why, in words.</param>
public sealed record RefundRequested(
    Guid ReservationId,
    Guid UserId,
    long Amount,
    string Currency,
    string Reason) : IEvent<RefundRequested>
{
    /// <inheritdoc />
    public static string WireName => "tickets.refund-requested.v1";

    /// <inheritdoc />
    public static JsonTypeInfo<RefundRequested> JsonTypeInfo => ContractsJson.Default.RefundRequested;
}

using System.Text.Json.Serialization.Metadata;

namespace BoxOffice.Contracts.Tickets;

/// <summary>Tickets were held as Pending for a buyer; payment is to be taken.</summary>
/// <param name="ReservationId">The reservation, also the payment's idempotency key.</param>
/// <param name="UserId">The buyer.</param>
/// <param name="EventId">The event the tickets are for.</param>
/// <param name="TicketTypeId">The ticket type held.</param>
/// <param name="Quantity">How many tickets are held.</param>
/// <param name="Amount">Total to charge, in minor units of <paramref name="Currency"/>.</param>
/// <param name="Currency">ISO 4217 code.</param>
/// <param name="PaymentToken">The buyer's payment method token for the gateway.</param>
/// <param name="ExpiresAt">When the hold lapses if no payment outcome arrived.</param>
public sealed record TicketsHeld(
    Guid ReservationId,
    Guid UserId,
    Guid EventId,
    Guid TicketTypeId,
    int Quantity,
    long Amount,
    string Currency,
    string PaymentToken,
    DateTimeOffset ExpiresAt) : IEvent<TicketsHeld>
{
    /// <inheritdoc />
    public static string WireName => "tickets.held.v1";

    /// <inheritdoc />
    public static JsonTypeInfo<TicketsHeld> JsonTypeInfo => ContractsJson.Default.TicketsHeld;
}

using System.Text.Json.Serialization.Metadata;

namespace BoxOffice.Contracts.Tickets;

/// <summary>
/// Tickets were held as Pending for a buyer; payment is to be taken. Version 2: v1 carried the
/// payment token in clear; the messaging core upcasts stored v1 events to this version on read.
/// </summary>
/// <param name="ReservationId">The reservation, also the payment's idempotency key.</param>
/// <param name="UserId">The buyer.</param>
/// <param name="EventId">The event the tickets are for.</param>
/// <param name="TicketTypeId">The ticket type held.</param>
/// <param name="Quantity">How many tickets are held.</param>
/// <param name="Amount">Total to charge, in minor units of <paramref name="Currency"/>.</param>
/// <param name="Currency">ISO 4217 code.</param>
/// <param name="SealedPaymentToken">
/// The buyer's payment method token, sealed to the Payments key (RSA-OAEP-SHA256, see
/// <c>BoxOffice.ServiceDefaults.PaymentTokenSeal</c>): only Payments can open it; to every other
/// reader of the log it is an opaque string.
/// </param>
/// <param name="ExpiresAt">When the hold lapses if no payment outcome arrived.</param>
public sealed record TicketsHeld(
    Guid ReservationId,
    Guid UserId,
    Guid EventId,
    Guid TicketTypeId,
    int Quantity,
    long Amount,
    string Currency,
    string SealedPaymentToken,
    DateTimeOffset ExpiresAt) : IEvent<TicketsHeld>
{
    /// <inheritdoc />
    public static string WireName => "tickets.held.v2";

    /// <inheritdoc />
    public static JsonTypeInfo<TicketsHeld> JsonTypeInfo => ContractsJson.Default.TicketsHeld;
}

using System.Text.Json.Serialization.Metadata;

namespace BoxOffice.Contracts.Tickets;

/// <summary>Payment succeeded: the held tickets are the buyer's, with these codes.</summary>
/// <param name="ReservationId">The reservation.</param>
/// <param name="UserId">The buyer who now owns the tickets.</param>
/// <param name="EventId">The event.</param>
/// <param name="TicketTypeId">The ticket type.</param>
/// <param name="Quantity">How many tickets.</param>
/// <param name="Amount">What was paid, in minor units.</param>
/// <param name="Currency">ISO 4217 code.</param>
/// <param name="TicketCodes">One unguessable code per ticket.</param>
public sealed record TicketsAcquired(
    Guid ReservationId,
    Guid UserId,
    Guid EventId,
    Guid TicketTypeId,
    int Quantity,
    long Amount,
    string Currency,
    IReadOnlyList<string> TicketCodes) : IEvent<TicketsAcquired>
{
    /// <inheritdoc />
    public static string WireName => "tickets.acquired.v1";

    /// <inheritdoc />
    public static JsonTypeInfo<TicketsAcquired> JsonTypeInfo => ContractsJson.Default.TicketsAcquired;
}

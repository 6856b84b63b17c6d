using System.Text.Json.Serialization.Metadata;

namespace BoxOffice.Contracts.Tickets;

/// <summary>Why held tickets went back on sale.</summary>
public enum ReleaseReason
{
    /// <summary>The payment failed.</summary>
    PaymentFailed,

    /// <summary>No payment outcome arrived before the hold expired.</summary>
    Expired,

    /// <summary>The buyer cancelled the reservation.</summary>
    Cancelled,
}

/// <summary>Held tickets were returned to stock; the reservation is final without tickets.</summary>
/// <param name="ReservationId">The reservation.</param>
/// <param name="UserId">The buyer.</param>
/// <param name="EventId">The event.</param>
/// <param name="TicketTypeId">The ticket type.</param>
/// <param name="Quantity">How many tickets went back on sale.</param>
/// <param name="Reason">Why.</param>
/// <param name="Detail">A human explanation, for example the gateway's decline reason.</param>
public sealed record TicketsReleased(
    Guid ReservationId,
    Guid UserId,
    Guid EventId,
    Guid TicketTypeId,
    int Quantity,
    ReleaseReason Reason,
    string? Detail) : IEvent<TicketsReleased>
{
    /// <inheritdoc />
    public static string WireName => "tickets.released.v1";

    /// <inheritdoc />
    public static JsonTypeInfo<TicketsReleased> JsonTypeInfo => ContractsJson.Default.TicketsReleased;
}

using Microsoft.Extensions.Logging;

namespace BoxOffice.Tickets.Reservations;

/// <summary>
/// One Information line per reservation state change (id, old → new state), written only after the
/// change committed: a rolled-back group commit or consumer batch logs nothing. One category
/// (<c>BoxOffice.Tickets.Reservations.ReservationLog</c>) so an operator can turn it down alone.
/// Source-generated: nothing is formatted when Information is off.
/// </summary>
internal sealed partial class ReservationLog(ILogger<ReservationLog> logger)
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Reservation {ReservationId} → Pending: {Quantity} ticket(s) of type {TicketTypeId} held until {ExpiresAt:u}")]
    public partial void Accepted(Guid reservationId, int quantity, Guid ticketTypeId, DateTimeOffset expiresAt);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Reservation {ReservationId} Pending → Acquired: {Quantity} ticket(s) issued")]
    public partial void Acquired(Guid reservationId, int quantity);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Reservation {ReservationId} Pending → Released: {Reason}")]
    public partial void Released(Guid reservationId, string reason);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Reservation {ReservationId} Pending → Expired: the hold lapsed before the payment completed")]
    public partial void Expired(Guid reservationId);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Reservation {ReservationId} Pending → Cancelled by the buyer")]
    public partial void Cancelled(Guid reservationId);
}

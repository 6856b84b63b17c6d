using BoxOffice.Contracts.Tickets;
using BoxOffice.Messaging.Consuming;
using BoxOffice.Messaging.Storage;

namespace BoxOffice.Notifications.Reservations;

/// <summary>
/// Tickets were held: remember which event the reservation is for. The payment events carry only
/// the reservation, and a notification about a payment should still name the event.
/// </summary>
internal sealed class KeepReservation : IEventHandler<TicketsHeld>
{
    public async ValueTask HandleAsync(TicketsHeld held, ConsumeContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(held);
        ArgumentNullException.ThrowIfNull(context);
        await context.Command("""
                INSERT INTO reservations (reservation_id, event_id, quantity) VALUES (@id, @event, @quantity)
                ON CONFLICT (reservation_id) DO NOTHING
                """)
            .With("@id", held.ReservationId.ToString("D")).With("@event", held.EventId.ToString("D")).With("@quantity", held.Quantity)
            .ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The event and quantity of a reservation, or null when its hold has not been seen (yet).</summary>
    public static async Task<(Guid EventId, int Quantity)?> FindAsync(ConsumeContext context, Guid reservationId, CancellationToken ct)
    {
        await using var reader = await context.Command("SELECT event_id, quantity FROM reservations WHERE reservation_id = @id")
            .With("@id", reservationId.ToString("D")).ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (Guid.Parse(reader.GetString(0)), reader.GetInt32(1)) : null;
    }
}

using BoxOffice.Contracts.Tickets;
using BoxOffice.Messaging.Consuming;
using BoxOffice.Messaging.Deciding;
using BoxOffice.Messaging.EventLog;
using BoxOffice.Messaging.Storage;
using BoxOffice.Notifications.Storage;

namespace BoxOffice.Notifications.Reservations;

/// <summary>The event a reservation is for and how many tickets it holds, as Notifications keeps them.</summary>
internal sealed record KeptReservation(Guid EventId, int Quantity);

/// <summary>
/// Tickets were held: remember which event the reservation is for. The payment events carry only
/// the reservation, and a notification about a payment should still name the event.
/// </summary>
internal sealed class KeepReservation(NotificationWriter writer) : IEventHandler<TicketsHeld>
{
    public async ValueTask HandleAsync(TicketsHeld held, ConsumeContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(held);
        ArgumentNullException.ThrowIfNull(context);
        var kept = await FindAsync(context.Transaction, held.ReservationId, cancellationToken);
        await context.ApplyAsync(Decide(kept, held), writer, cancellationToken);
    }

    /// <summary>A reservation is kept once: the hold seen again (a replay, a redelivery) decides nothing.</summary>
    public static Decision<NotificationChange> Decide(KeptReservation? kept, TicketsHeld held)
    {
        ArgumentNullException.ThrowIfNull(held);
        return kept is null
            ? Decision<NotificationChange>.Of(new NotificationChange.ReservationKept(held.ReservationId, held.EventId, held.Quantity))
            : Decision<NotificationChange>.None;
    }

    /// <summary>The event and quantity of a reservation, or null when its hold has not been seen (yet).</summary>
    public static async Task<KeptReservation?> FindAsync(ServiceTransaction tx, Guid reservationId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        await using var reader = await tx.Command("SELECT event_id, quantity FROM reservations WHERE reservation_id = @id")
            .With("@id", reservationId.ToString("D")).ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? new KeptReservation(Guid.Parse(reader.GetString(0)), reader.GetInt32(1)) : null;
    }
}

using BoxOffice.Contracts.Tickets;
using BoxOffice.Messaging.Consuming;
using BoxOffice.Notifications.Catalog;

namespace BoxOffice.Notifications.Composing;

/// <summary>The tickets are the buyer's: tell them, and mail them their ticket codes.</summary>
internal sealed class NotifyTicketsAcquired(NotificationWriter writer) : IEventHandler<TicketsAcquired>
{
    public async ValueTask HandleAsync(TicketsAcquired acquired, ConsumeContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(acquired);
        ArgumentNullException.ThrowIfNull(context);
        // EventPublished precedes every TicketsAcquired in the tickets log, so the event is known here.
        var details = await KeepEventDetails.FindAsync(context, acquired.EventId, cancellationToken);
        await writer.WriteAsync(context, Compose(acquired, details), cancellationToken);
    }

    public static Notification Compose(TicketsAcquired acquired, EventDetails? details)
    {
        var verb = acquired.Quantity == 1 ? "is" : "are";
        var noun = acquired.Quantity == 1 ? "ticket" : "tickets";
        return new Notification(
            Kinds.TicketsAcquired,
            $"{Kinds.TicketsAcquired}:{acquired.ReservationId:D}",
            acquired.UserId,
            acquired.ReservationId,
            acquired.EventId,
            $"Your {noun} for {Wording.EventName(details)}",
            $"Your {Wording.Tickets(acquired.Quantity)} for {Wording.Event(details)} {verb} confirmed; you paid "
            + $"{Wording.Money(acquired.Amount, acquired.Currency)}.");
    }
}

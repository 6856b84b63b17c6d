using BoxOffice.Contracts;
using BoxOffice.Contracts.Tickets;
using BoxOffice.Messaging.Consuming;
using BoxOffice.Messaging.Deciding;
using BoxOffice.Notifications.Catalog;
using BoxOffice.Notifications.Storage;

namespace BoxOffice.Notifications.Composing;

/// <summary>The tickets are the buyer's: tell them, and mail them their ticket codes.</summary>
internal sealed class NotifyTicketsAcquired(TimeProvider time, NotificationWriter writer) : IEventHandler<TicketsAcquired>
{
    public async ValueTask HandleAsync(TicketsAcquired acquired, ConsumeContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(acquired);
        ArgumentNullException.ThrowIfNull(context);
        // EventPublished precedes every TicketsAcquired in the tickets log, so the event is known here.
        var known = await Known.LoadAsync(context.Transaction, KeyOf(acquired), reservationId: null, acquired.EventId, cancellationToken);
        await context.ApplyAsync(Decide(known, acquired, context.Envelope, time.GetUtcNow()), writer, cancellationToken);
    }

    public static Decision<NotificationChange> Decide(Known known, TicketsAcquired acquired, EventEnvelope source, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(known);
        return known.Tell(Compose(acquired, known.Event), source, now);
    }

    /// <summary>The fact told: these tickets became the buyer's.</summary>
    public static string KeyOf(TicketsAcquired acquired)
    {
        ArgumentNullException.ThrowIfNull(acquired);
        return $"{Kinds.TicketsAcquired}:{acquired.ReservationId:D}";
    }

    public static Notification Compose(TicketsAcquired acquired, EventDetails? details)
    {
        var verb = acquired.Quantity == 1 ? "is" : "are";
        var noun = acquired.Quantity == 1 ? "ticket" : "tickets";
        return new Notification(
            Kinds.TicketsAcquired,
            KeyOf(acquired),
            acquired.UserId,
            acquired.ReservationId,
            acquired.EventId,
            $"Your {noun} for {Wording.EventName(details)}",
            $"Your {Wording.Tickets(acquired.Quantity)} for {Wording.Event(details)} {verb} confirmed; you paid "
            + $"{Wording.Money(acquired.Amount, acquired.Currency)}.");
    }
}

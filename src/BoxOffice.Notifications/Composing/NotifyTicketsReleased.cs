using BoxOffice.Contracts;
using BoxOffice.Contracts.Tickets;
using BoxOffice.Messaging.Consuming;
using BoxOffice.Messaging.Deciding;
using BoxOffice.Notifications.Catalog;
using BoxOffice.Notifications.Storage;

namespace BoxOffice.Notifications.Composing;

/// <summary>The held tickets went back on sale: tell the buyer why (declined, expired or cancelled).</summary>
internal sealed class NotifyTicketsReleased(TimeProvider time, NotificationWriter writer) : IEventHandler<TicketsReleased>
{
    public async ValueTask HandleAsync(TicketsReleased released, ConsumeContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(released);
        ArgumentNullException.ThrowIfNull(context);
        var known = await Known.LoadAsync(context.Transaction, KeyOf(released), reservationId: null, released.EventId, cancellationToken);
        await context.ApplyAsync(Decide(known, released, context.Envelope, time.GetUtcNow()), writer, cancellationToken);
    }

    public static Decision<NotificationChange> Decide(Known known, TicketsReleased released, EventEnvelope source, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(known);
        return known.Tell(Compose(released, known.Event), source, now);
    }

    /// <summary>The fact told: this reservation's tickets went back on sale (a reservation is released once).</summary>
    public static string KeyOf(TicketsReleased released)
    {
        ArgumentNullException.ThrowIfNull(released);
        return $"{Kinds.TicketsReleased}:{released.ReservationId:D}";
    }

    public static Notification Compose(TicketsReleased released, EventDetails? details)
    {
        var tickets = Wording.Tickets(released.Quantity);
        var what = Wording.Event(details);
        var name = Wording.EventName(details);
        var (subject, text) = released.Reason switch
        {
            ReleaseReason.PaymentFailed => (
                $"Your payment for {name} was declined",
                $"Your payment for {tickets} for {what} was declined"
                + (string.IsNullOrWhiteSpace(released.Detail) ? string.Empty : $" ({released.Detail.Trim()})")
                + ", so the reservation was cancelled and the tickets went back on sale. You have not been charged."),
            ReleaseReason.Expired => (
                $"Your reservation for {name} expired",
                $"Your reservation of {tickets} for {what} expired before the payment was completed, so the tickets went back on sale. "
                + "You have not been charged."),
            _ => (
                $"Your reservation for {name} was cancelled",
                $"Your reservation of {tickets} for {what} was cancelled as you asked, and the tickets went back on sale."),
        };
        return new Notification(
            Kinds.TicketsReleased, KeyOf(released), released.UserId, released.ReservationId, released.EventId,
            subject, text);
    }
}

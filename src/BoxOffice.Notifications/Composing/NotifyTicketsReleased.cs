using BoxOffice.Contracts.Tickets;
using BoxOffice.Messaging.Consuming;
using BoxOffice.Notifications.Catalog;

namespace BoxOffice.Notifications.Composing;

/// <summary>The held tickets went back on sale: tell the buyer why (declined, expired or cancelled).</summary>
internal sealed class NotifyTicketsReleased(NotificationWriter writer) : IEventHandler<TicketsReleased>
{
    public async ValueTask HandleAsync(TicketsReleased released, ConsumeContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(released);
        ArgumentNullException.ThrowIfNull(context);
        var details = await KeepEventDetails.FindAsync(context, released.EventId, cancellationToken);
        await writer.WriteAsync(context, Compose(released, details), cancellationToken);
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
            Kinds.TicketsReleased, $"{Kinds.TicketsReleased}:{released.ReservationId:D}", released.UserId, released.ReservationId, released.EventId,
            subject, text);
    }
}

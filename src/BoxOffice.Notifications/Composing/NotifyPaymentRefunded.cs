using BoxOffice.Contracts.Payments;
using BoxOffice.Messaging.Consuming;
using BoxOffice.Notifications.Catalog;
using BoxOffice.Notifications.Reservations;

namespace BoxOffice.Notifications.Composing;

/// <summary>A charge was returned to the buyer: tell them how much and for what.</summary>
internal sealed class NotifyPaymentRefunded(NotificationWriter writer) : IEventHandler<PaymentRefunded>
{
    public async ValueTask HandleAsync(PaymentRefunded refunded, ConsumeContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(refunded);
        ArgumentNullException.ThrowIfNull(context);
        var reservation = await KeepReservation.FindAsync(context, refunded.ReservationId, cancellationToken);
        var details = await KeepEventDetails.FindAsync(context, reservation?.EventId, cancellationToken);
        await writer.WriteAsync(context, Compose(refunded, reservation?.EventId, details), cancellationToken);
    }

    public static Notification Compose(PaymentRefunded refunded, Guid? eventId, EventDetails? details) => new(
        Kinds.PaymentRefunded,
        $"{Kinds.PaymentRefunded}:{refunded.PaymentId:D}",
        refunded.UserId,
        refunded.ReservationId,
        eventId,
        $"Your refund for {Wording.EventName(details)}",
        $"We refunded {Wording.Money(refunded.Amount, refunded.Currency)} for your reservation for {Wording.Event(details)}. "
        + "It may take a few days to show on your statement.");
}

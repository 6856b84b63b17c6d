using BoxOffice.Contracts.Payments;
using BoxOffice.Messaging.Consuming;
using BoxOffice.Notifications.Catalog;
using BoxOffice.Notifications.Reservations;

namespace BoxOffice.Notifications.Composing;

/// <summary>The bank wants the buyer to confirm the payment: send them to the challenge.</summary>
internal sealed class NotifyPaymentRequiresAction(NotificationWriter writer) : IEventHandler<PaymentRequiresAction>
{
    public async ValueTask HandleAsync(PaymentRequiresAction required, ConsumeContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(required);
        ArgumentNullException.ThrowIfNull(context);
        // The hold comes from the tickets log, read by another subscription: it is usually known by
        // now, and the sentence does without the event's name when it is not.
        var reservation = await KeepReservation.FindAsync(context, required.ReservationId, cancellationToken);
        var details = await KeepEventDetails.FindAsync(context, reservation?.EventId, cancellationToken);
        await writer.WriteAsync(context, Compose(required, reservation?.EventId, reservation?.Quantity, details), cancellationToken);
    }

    public static Notification Compose(PaymentRequiresAction required, Guid? eventId, int? quantity, EventDetails? details)
    {
        var tickets = quantity is { } q ? Wording.Tickets(q) : "your tickets";
        return new Notification(
            Kinds.PaymentRequiresAction,
            $"{Kinds.PaymentRequiresAction}:{required.PaymentId:D}:{required.ChallengeUrl}",
            required.UserId,
            required.ReservationId,
            eventId,
            $"Please confirm your payment for {Wording.EventName(details)}",
            $"Your bank asks you to confirm the payment for {tickets} for {Wording.Event(details)}. "
            + $"Please complete it at {required.ChallengeUrl} before your reservation expires.");
    }
}

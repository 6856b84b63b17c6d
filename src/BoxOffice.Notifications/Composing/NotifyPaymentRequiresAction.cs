using BoxOffice.Contracts;
using BoxOffice.Contracts.Payments;
using BoxOffice.Messaging.Consuming;
using BoxOffice.Messaging.Deciding;
using BoxOffice.Notifications.Catalog;
using BoxOffice.Notifications.Storage;

namespace BoxOffice.Notifications.Composing;

/// <summary>The bank wants the buyer to confirm the payment: send them to the challenge.</summary>
internal sealed class NotifyPaymentRequiresAction(TimeProvider time, NotificationWriter writer) : IEventHandler<PaymentRequiresAction>
{
    public async ValueTask HandleAsync(PaymentRequiresAction required, ConsumeContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(required);
        ArgumentNullException.ThrowIfNull(context);
        // The hold comes from the tickets log, read by another subscription: it is usually known by
        // now, and the sentence does without the event's name when it is not.
        var known = await Known.LoadAsync(context.Transaction, KeyOf(required), required.ReservationId, eventId: null, cancellationToken);
        await context.ApplyAsync(Decide(known, required, context.Envelope, time.GetUtcNow()), writer, cancellationToken);
    }

    public static Decision<NotificationChange> Decide(Known known, PaymentRequiresAction required, EventEnvelope source, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(known);
        return known.Tell(Compose(required, known.Reservation?.EventId, known.Reservation?.Quantity, known.Event), source, now);
    }

    /// <summary>The fact told: this challenge awaits the buyer (a new challenge of the same payment is told again).</summary>
    public static string KeyOf(PaymentRequiresAction required)
    {
        ArgumentNullException.ThrowIfNull(required);
        return $"{Kinds.PaymentRequiresAction}:{required.PaymentId:D}:{required.ChallengeUrl}";
    }

    public static Notification Compose(PaymentRequiresAction required, Guid? eventId, int? quantity, EventDetails? details)
    {
        var tickets = quantity is { } q ? Wording.Tickets(q) : "your tickets";
        return new Notification(
            Kinds.PaymentRequiresAction,
            KeyOf(required),
            required.UserId,
            required.ReservationId,
            eventId,
            $"Please confirm your payment for {Wording.EventName(details)}",
            $"Your bank asks you to confirm the payment for {tickets} for {Wording.Event(details)}. "
            + $"Please complete it at {required.ChallengeUrl} before your reservation expires.");
    }
}

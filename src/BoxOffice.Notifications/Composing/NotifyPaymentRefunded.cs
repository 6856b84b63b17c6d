using BoxOffice.Contracts;
using BoxOffice.Contracts.Payments;
using BoxOffice.Messaging.Consuming;
using BoxOffice.Messaging.Deciding;
using BoxOffice.Notifications.Catalog;
using BoxOffice.Notifications.Storage;

namespace BoxOffice.Notifications.Composing;

/// <summary>A charge was returned to the buyer: tell them how much and for what.</summary>
internal sealed class NotifyPaymentRefunded(TimeProvider time, NotificationWriter writer) : IEventHandler<PaymentRefunded>
{
    public async ValueTask HandleAsync(PaymentRefunded refunded, ConsumeContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(refunded);
        ArgumentNullException.ThrowIfNull(context);
        var known = await Known.LoadAsync(context.Transaction, KeyOf(refunded), refunded.ReservationId, eventId: null, cancellationToken);
        await context.ApplyAsync(Decide(known, refunded, context.Envelope, time.GetUtcNow()), writer, cancellationToken);
    }

    public static Decision<NotificationChange> Decide(Known known, PaymentRefunded refunded, EventEnvelope source, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(known);
        return known.Tell(Compose(refunded, known.Reservation?.EventId, known.Event), source, now);
    }

    /// <summary>The fact told: this payment was refunded (once).</summary>
    public static string KeyOf(PaymentRefunded refunded)
    {
        ArgumentNullException.ThrowIfNull(refunded);
        return $"{Kinds.PaymentRefunded}:{refunded.PaymentId:D}";
    }

    public static Notification Compose(PaymentRefunded refunded, Guid? eventId, EventDetails? details) => new(
        Kinds.PaymentRefunded,
        KeyOf(refunded),
        refunded.UserId,
        refunded.ReservationId,
        eventId,
        $"Your refund for {Wording.EventName(details)}",
        $"We refunded {Wording.Money(refunded.Amount, refunded.Currency)} for your reservation for {Wording.Event(details)}. "
        + "It may take a few days to show on your statement.");
}

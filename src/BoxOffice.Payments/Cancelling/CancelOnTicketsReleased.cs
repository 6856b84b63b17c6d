using BoxOffice.Contracts.Tickets;
using BoxOffice.Messaging.Consuming;
using BoxOffice.Payments.Charging;
using BoxOffice.Payments.Storage;
using Microsoft.Extensions.Logging;

namespace BoxOffice.Payments.Cancelling;

/// <summary>
/// Tickets released a reservation. If its hold ended (expired or cancelled by the buyer) while the
/// gateway awaits the buyer's challenge, the payment becomes Cancelling and the dispatcher cancels
/// the gateway's intent after the commit, so that the challenge page no longer takes the money.
/// Like the other handlers, it only records the decision: it runs in the consumer's transaction.
/// </summary>
internal sealed partial class CancelOnTicketsReleased(TimeProvider time, DispatchSignal dispatcher, ILogger<CancelOnTicketsReleased> logger)
    : IEventHandler<TicketsReleased>
{
    public async ValueTask HandleAsync(TicketsReleased released, ConsumeContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(released);
        ArgumentNullException.ThrowIfNull(context);
        var payment = await PaymentStore.FindAsync(context.Transaction, released.ReservationId, cancellationToken);
        if (Decide(payment, released, time.GetUtcNow()) is not { Changed: true } decision)
        {
            return;
        }

        await PaymentStore.ApplyAsync(context.Transaction, decision, context.Envelope.EventId, cancellationToken);
        LogCancelling(released.ReservationId, released.Reason);
        context.Transaction.OnCommitted(dispatcher.Wake);
    }

    /// <summary>What the release does to the reservation's payment; null when it has none (a hold that never reached Payments).</summary>
    public static PaymentDecision? Decide(Payment? payment, TicketsReleased released, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(released);
        return payment?.TicketsReleased(released.Reason, now);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reservation {ReservationId} was released ({Reason}) while its payment awaited the buyer's challenge; cancelling the gateway's intent")]
    private partial void LogCancelling(Guid reservationId, ReleaseReason reason);
}

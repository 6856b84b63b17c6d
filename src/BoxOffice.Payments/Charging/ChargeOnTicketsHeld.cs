using BoxOffice.Contracts.Tickets;
using BoxOffice.Messaging.Consuming;
using BoxOffice.Payments.Storage;
using BoxOffice.ServiceDefaults;
using Microsoft.Extensions.Logging;

namespace BoxOffice.Payments.Charging;

/// <summary>
/// Tickets are held: a charge is due. The handler only records it (it runs inside the consumer's
/// transaction, holding the write lock, so it never calls the gateway) and wakes the dispatcher
/// once that is committed.
/// </summary>
internal sealed partial class ChargeOnTicketsHeld(
    TimeProvider time, DispatchSignal dispatcher, PaymentTokenPrivateKey tokenKey, ILogger<ChargeOnTicketsHeld> logger)
    : IEventHandler<TicketsHeld>
{
    public async ValueTask HandleAsync(TicketsHeld held, ConsumeContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(held);
        ArgumentNullException.ThrowIfNull(context);
        var recorded = await PaymentStore.FindAsync(context.Transaction, held.ReservationId, cancellationToken);
        var now = time.GetUtcNow();
        // Opened only when a payment is to start: a repeated hold needs no private-key operation.
        var token = recorded is null && PaymentTokenSeal.TryOpen(held.SealedPaymentToken, tokenKey, out var opened) ? opened : null;
        var decision = Decide(recorded, held, token, Guid.CreateVersion7(now), now);
        if (!decision.Changed)
        {
            LogAlreadyRecorded(held.ReservationId);
            return;
        }

        await PaymentStore.ApplyAsync(context.Transaction, decision, context.Envelope.EventId, cancellationToken);
        if (decision.Payment.Status == PaymentStatus.Failed)
        {
            LogTokenUnreadable(held.ReservationId);
            return;
        }

        context.Transaction.OnCommitted(dispatcher.Wake);
    }

    /// <summary>
    /// A payment starts for a reservation that has none (failed at once when its token could not be
    /// opened, <paramref name="token"/> null); a reservation that has one, held again, changes nothing.
    /// </summary>
    public static PaymentDecision Decide(Payment? recorded, TicketsHeld held, string? token, Guid paymentId, DateTimeOffset now) =>
        recorded is null ? Payment.Start(held, token, paymentId, now) : PaymentDecision.Unchanged(recorded);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reservation {ReservationId} already has a payment; the repeated TicketsHeld changes nothing")]
    private partial void LogAlreadyRecorded(Guid reservationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The payment token of reservation {ReservationId} could not be opened with this Payments key; the payment fails")]
    private partial void LogTokenUnreadable(Guid reservationId);
}

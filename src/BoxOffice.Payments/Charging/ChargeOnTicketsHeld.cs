using BoxOffice.Contracts.Payments;
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
        var now = time.GetUtcNow();
        var token = PaymentTokenSeal.TryOpen(held.SealedPaymentToken, tokenKey, out var opened) ? opened : null;
        var started = Payment.Start(held, token, Guid.CreateVersion7(now), now);
        if (!await PaymentStore.InsertAsync(context.Transaction, started.Payment, cancellationToken))
        {
            LogAlreadyRecorded(held.ReservationId);
            return;
        }

        if (started.Event is PaymentFailed failed)
        {
            LogTokenUnreadable(held.ReservationId);
            context.Transaction.Publish(failed, correlationId: held.ReservationId);
            return;
        }

        context.Transaction.OnCommitted(dispatcher.Wake);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reservation {ReservationId} already has a payment; the repeated TicketsHeld changes nothing")]
    private partial void LogAlreadyRecorded(Guid reservationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The payment token of reservation {ReservationId} could not be opened with this Payments key; the payment fails")]
    private partial void LogTokenUnreadable(Guid reservationId);
}

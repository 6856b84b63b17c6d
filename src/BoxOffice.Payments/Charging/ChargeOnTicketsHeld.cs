using BoxOffice.Contracts.Tickets;
using BoxOffice.Messaging.Consuming;
using BoxOffice.Payments.Storage;
using Microsoft.Extensions.Logging;

namespace BoxOffice.Payments.Charging;

/// <summary>
/// Tickets are held: a charge is due. The handler only records it (it runs inside the consumer's
/// transaction, holding the write lock, so it never calls the gateway) and wakes the dispatcher
/// once that is committed.
/// </summary>
internal sealed partial class ChargeOnTicketsHeld(TimeProvider time, DispatchSignal dispatcher, ILogger<ChargeOnTicketsHeld> logger)
    : IEventHandler<TicketsHeld>
{
    public async ValueTask HandleAsync(TicketsHeld held, ConsumeContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(held);
        ArgumentNullException.ThrowIfNull(context);
        var now = time.GetUtcNow();
        var payment = Payment.Start(held, Guid.CreateVersion7(now), now);
        if (await PaymentStore.InsertAsync(context.Transaction, payment, cancellationToken))
        {
            context.Transaction.OnCommitted(dispatcher.Wake);
        }
        else
        {
            LogAlreadyRecorded(held.ReservationId);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reservation {ReservationId} already has a payment; the repeated TicketsHeld changes nothing")]
    private partial void LogAlreadyRecorded(Guid reservationId);
}

using BoxOffice.Contracts.Payments;
using BoxOffice.Contracts.Tickets;
using BoxOffice.Messaging.Consuming;
using BoxOffice.Tickets.Reservations;
using BoxOffice.Tickets.Storage;

namespace BoxOffice.Tickets.Outcomes;

/// <summary>A payment failed: a Pending reservation is Released and its tickets go back on sale.</summary>
internal sealed class ReleaseOnPaymentFailed(TimeProvider time, ReservationLog reservationLog) : IEventHandler<PaymentFailed>
{
    public async ValueTask HandleAsync(PaymentFailed @event, ConsumeContext context, CancellationToken cancellationToken)
    {
        var tx = context.Transaction;
        var reservation = await TicketsStore.LoadReservationAsync(tx, @event.ReservationId, cancellationToken);
        if (reservation is null)
        {
            return;
        }

        var now = time.GetUtcNow();
        if (!ReservationRules.CanRelease(reservation.Status))
        {
            // Already final (expired or cancelled first): only the payment's status changes.
            await TicketsStore.SetStatusAsync(tx, reservation.Id, reservation.Status, PaymentStatus.Failed, @event.Reason, now, cancellationToken);
            return;
        }

        await TicketsStore.SetStatusAsync(tx, reservation.Id, ReservationStatus.Released, PaymentStatus.Failed, @event.Reason, now, cancellationToken);
        await TicketsStore.ReturnToStockAsync(tx, reservation.TicketTypeId, reservation.Quantity, cancellationToken);
        context.Publish(new TicketsReleased(
            reservation.Id, reservation.UserId, reservation.EventId, reservation.TicketTypeId, reservation.Quantity,
            ReleaseReason.PaymentFailed, @event.Reason));
        // After the consumer's batch commits: a batch that rolls back (and is retried) logs nothing.
        context.Transaction.OnCommitted(() => reservationLog.Released(reservation.Id, @event.Reason));
    }
}

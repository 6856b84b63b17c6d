using BoxOffice.Contracts.Payments;
using BoxOffice.Contracts.Tickets;
using BoxOffice.Messaging.Consuming;
using BoxOffice.Messaging.Deciding;
using BoxOffice.Tickets.Reservations;
using BoxOffice.Tickets.Storage;

namespace BoxOffice.Tickets.Outcomes;

/// <summary>A payment failed: a Pending reservation is Released and its tickets go back on sale.</summary>
internal sealed class ReleaseOnPaymentFailed(TimeProvider time, ReservationLog reservationLog) : IEventHandler<PaymentFailed>
{
    public async ValueTask HandleAsync(PaymentFailed @event, ConsumeContext context, CancellationToken cancellationToken)
    {
        var reservation = await TicketsStore.LoadReservationAsync(context.Transaction, @event.ReservationId, cancellationToken);
        if (reservation is null)
        {
            return;
        }

        await context.ApplyAsync(Decide(reservation, @event, time.GetUtcNow()), TicketsWriter.Instance, cancellationToken);
        if (reservation.CanRelease)
        {
            // After the consumer's batch commits: a batch that rolls back (and is retried) logs nothing.
            context.Transaction.OnCommitted(() => reservationLog.Released(reservation.Id, @event.Reason));
        }
    }

    /// <summary>
    /// Pending: Released, its tickets back on sale, <c>TicketsReleased</c>. Already final (expired
    /// or cancelled first): only the payment's status and reason change.
    /// </summary>
    public static Decision<TicketsChange> Decide(Reservation reservation, PaymentFailed @event, DateTimeOffset now)
    {
        var failed = reservation with { PaymentStatus = PaymentStatus.Failed, FailureReason = @event.Reason };
        if (!reservation.CanRelease)
        {
            return Decision<TicketsChange>.Of(new ReservationChanged(failed, now));
        }

        return new Decision<TicketsChange>(
            [new ReservationChanged(failed with { Status = ReservationStatus.Released }, now), new StockMoved(reservation.TicketTypeId, -reservation.Quantity, 0)],
            [Outgoing.Of(new TicketsReleased(
                reservation.Id, reservation.UserId, reservation.EventId, reservation.TicketTypeId, reservation.Quantity,
                ReleaseReason.PaymentFailed, @event.Reason))]);
    }
}

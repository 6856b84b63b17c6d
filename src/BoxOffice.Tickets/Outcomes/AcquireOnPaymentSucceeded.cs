using BoxOffice.Contracts.Payments;
using BoxOffice.Contracts.Tickets;
using BoxOffice.Messaging.Consuming;
using BoxOffice.Messaging.Deciding;
using BoxOffice.Tickets.Reservations;
using BoxOffice.Tickets.Storage;
using Microsoft.Extensions.Logging;

namespace BoxOffice.Tickets.Outcomes;

/// <summary>
/// A payment succeeded: a Pending reservation becomes Acquired with its tickets; one that already
/// ended (expired, released, cancelled) is never revived — its money is given back instead.
/// </summary>
internal sealed partial class AcquireOnPaymentSucceeded(TimeProvider time, ReservationLog reservationLog, ILogger<AcquireOnPaymentSucceeded> logger)
    : IEventHandler<PaymentSucceeded>
{
    public async ValueTask HandleAsync(PaymentSucceeded @event, ConsumeContext context, CancellationToken cancellationToken)
    {
        var reservation = await TicketsStore.LoadReservationAsync(context.Transaction, @event.ReservationId, cancellationToken);
        if (reservation is null)
        {
            LogUnknown(@event.ReservationId);
            return;
        }

        // The codes are drawn here, at the edge, so that deciding stays pure; unused unless it acquires.
        var codes = reservation.CanRelease ? [.. Enumerable.Range(0, reservation.Quantity).Select(_ => TicketCodes.New())] : Array.Empty<string>();
        await context.ApplyAsync(Decide(reservation, codes, @event, time.GetUtcNow()), TicketsWriter.Instance, cancellationToken);
        if (reservation.CanRelease)
        {
            // After the consumer's batch commits: a batch that rolls back (and is retried) logs nothing.
            context.Transaction.OnCommitted(() => reservationLog.Acquired(reservation.Id, reservation.Quantity));
        }
    }

    /// <summary>
    /// Pending: Acquired, the held tickets sold and issued as <paramref name="codes"/>, <c>TicketsAcquired</c>.
    /// Acquired already: nothing. Ended without tickets: the payment is marked succeeded and its
    /// refund requested (<c>RefundRequested</c>), once.
    /// </summary>
    public static Decision<TicketsChange> Decide(Reservation reservation, IReadOnlyList<string> codes, PaymentSucceeded @event, DateTimeOffset now)
    {
        switch (reservation.Status)
        {
            case ReservationStatus.Pending:
                if (codes.Count != reservation.Quantity)
                {
                    throw new ArgumentException($"{reservation.Quantity} ticket codes are needed, not {codes.Count}.", nameof(codes));
                }

                return new Decision<TicketsChange>(
                    [
                        new ReservationChanged(reservation with { Status = ReservationStatus.Acquired, PaymentStatus = PaymentStatus.Succeeded }, now),
                        new StockMoved(reservation.TicketTypeId, -reservation.Quantity, reservation.Quantity),
                        new TicketsIssued(reservation, codes, now),
                    ],
                    [Outgoing.Of(new TicketsAcquired(
                        reservation.Id, reservation.UserId, reservation.EventId, reservation.TicketTypeId, reservation.Quantity,
                        reservation.Amount, reservation.Currency, codes))]);
            case ReservationStatus.Acquired:
                return Decision<TicketsChange>.None;
            case var _ when reservation.RefundRequested:
                // Asked once already: a second success (a redelivery) asks nothing more.
                return Decision<TicketsChange>.None;
            default:
                return Decision<TicketsChange>.Of(
                    new ReservationChanged(reservation with { PaymentStatus = PaymentStatus.Succeeded, RefundRequestedAt = now }, now),
                    Outgoing.Of(new RefundRequested(
                        reservation.Id, reservation.UserId, @event.Amount, @event.Currency,
                        $"The payment arrived after the reservation was {reservation.Status.ToString().ToLowerInvariant()}.")));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A payment succeeded for reservation {ReservationId}, which Tickets does not know")]
    private partial void LogUnknown(Guid reservationId);
}

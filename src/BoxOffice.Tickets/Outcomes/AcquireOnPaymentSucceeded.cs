using BoxOffice.Contracts.Payments;
using BoxOffice.Contracts.Tickets;
using BoxOffice.Messaging.Consuming;
using BoxOffice.Messaging.Storage;
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
        var tx = context.Transaction;
        var reservation = await TicketsStore.LoadReservationAsync(tx, @event.ReservationId, cancellationToken);
        if (reservation is null)
        {
            LogUnknown(@event.ReservationId);
            return;
        }

        var now = time.GetUtcNow();
        switch (ReservationRules.OnPaymentSucceeded(reservation.Status, reservation.RefundRequested))
        {
            case SucceededAction.Acquire:
                await AcquireAsync(context, reservation, now, cancellationToken);
                // After the consumer's batch commits: a batch that rolls back (and is retried) logs nothing.
                context.Transaction.OnCommitted(() => reservationLog.Acquired(reservation.Id, reservation.Quantity));
                break;
            case SucceededAction.RequestRefund:
                await tx.Command("UPDATE reservations SET payment_status = 'Succeeded', refund_requested_at = @now, updated_at = @now WHERE id = @id")
                    .With("@now", TicketsStore.Ms(now)).With("@id", reservation.Id.ToString()).ExecuteNonQueryAsync(cancellationToken);
                context.Publish(new RefundRequested(
                    reservation.Id, reservation.UserId, @event.Amount, @event.Currency,
                    $"The payment arrived after the reservation was {reservation.Status.ToString().ToLowerInvariant()}."));
                break;
            case SucceededAction.Ignore:
                break;
        }
    }

    private static async Task AcquireAsync(ConsumeContext context, ReservationRow reservation, DateTimeOffset now, CancellationToken ct)
    {
        var tx = context.Transaction;
        await TicketsStore.SetStatusAsync(tx, reservation.Id, ReservationStatus.Acquired, PaymentStatus.Succeeded, null, now, ct);
        await tx.Command("UPDATE ticket_types SET held = held - @quantity, sold = sold + @quantity WHERE id = @id")
            .With("@quantity", reservation.Quantity).With("@id", reservation.TicketTypeId.ToString()).ExecuteNonQueryAsync(ct);
        var codes = new List<string>(reservation.Quantity);
        for (var i = 0; i < reservation.Quantity; i++)
        {
            var code = TicketCodes.New();
            codes.Add(code);
            await tx.Command("""
                    INSERT INTO tickets (code, reservation_id, user_id, event_id, ticket_type_id, created_at)
                    VALUES (@code, @reservation, @user, @event, @type, @now)
                    """)
                .With("@code", code).With("@reservation", reservation.Id.ToString()).With("@user", reservation.UserId.ToString())
                .With("@event", reservation.EventId.ToString()).With("@type", reservation.TicketTypeId.ToString()).With("@now", TicketsStore.Ms(now))
                .ExecuteNonQueryAsync(ct);
        }

        context.Publish(new TicketsAcquired(
            reservation.Id, reservation.UserId, reservation.EventId, reservation.TicketTypeId, reservation.Quantity,
            reservation.Amount, reservation.Currency, codes));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A payment succeeded for reservation {ReservationId}, which Tickets does not know")]
    private partial void LogUnknown(Guid reservationId);
}

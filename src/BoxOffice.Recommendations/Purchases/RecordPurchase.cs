using BoxOffice.Contracts.Tickets;
using BoxOffice.Messaging.Consuming;
using BoxOffice.Messaging.Storage;
using BoxOffice.Recommendations.Storage;

namespace BoxOffice.Recommendations.Purchases;

/// <summary>
/// Records that a buyer acquired tickets for an event. The reservation id is the key: the same
/// acquisition arriving again changes nothing, so the buyer counts stay exact.
/// </summary>
internal sealed class RecordPurchase : IEventHandler<TicketsAcquired>
{
    public async ValueTask HandleAsync(TicketsAcquired acquired, ConsumeContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(acquired);
        ArgumentNullException.ThrowIfNull(context);
        var inserted = await context.Command("""
                INSERT INTO purchases (reservation_id, user_id, event_id, quantity, source_seq, purchased_at)
                VALUES (@reservation, @user, @event, @quantity, @seq, @at)
                ON CONFLICT (reservation_id) DO NOTHING
                """)
            .With("@reservation", acquired.ReservationId.ToString("D")).With("@user", acquired.UserId.ToString("D"))
            .With("@event", acquired.EventId.ToString("D")).With("@quantity", acquired.Quantity)
            .With("@seq", context.Sequence).With("@at", RecommendationsSchema.Ms(context.Envelope.OccurredAt))
            .ExecuteNonQueryAsync(cancellationToken);
        if (inserted == 0)
        {
            return;
        }

        await context.Command("""
                INSERT INTO event_buyers (user_id, event_id, tickets) VALUES (@user, @event, @quantity)
                ON CONFLICT (user_id, event_id) DO UPDATE SET tickets = event_buyers.tickets + excluded.tickets
                """)
            .With("@user", acquired.UserId.ToString("D")).With("@event", acquired.EventId.ToString("D")).With("@quantity", acquired.Quantity)
            .ExecuteNonQueryAsync(cancellationToken);
    }
}

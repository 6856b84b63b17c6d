using BoxOffice.Contracts.Tickets;
using BoxOffice.Messaging.Consuming;
using BoxOffice.Messaging.Deciding;
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
        var recorded = await context.Command("SELECT 1 FROM purchases WHERE reservation_id = @reservation")
            .With("@reservation", acquired.ReservationId.ToString("D")).ExecuteScalarAsync(cancellationToken) is not (null or DBNull);
        var decision = Decide(recorded, acquired, context.Sequence, context.Envelope.OccurredAt);
        await context.ApplyAsync(decision, RecommendationsWriter.Instance, cancellationToken);
    }

    /// <summary>
    /// The acquisition is recorded where the Tickets log holds it (<paramref name="sequence"/>, what a
    /// replay from a position forgets) and when it happened; one recorded already decides nothing.
    /// </summary>
    public static Decision<RecommendationsChange> Decide(bool recorded, TicketsAcquired acquired, long sequence, DateTimeOffset occurredAt)
    {
        ArgumentNullException.ThrowIfNull(acquired);
        return recorded
            ? Decision<RecommendationsChange>.None
            : Decision<RecommendationsChange>.Of(new RecommendationsChange.PurchaseRecorded(
                acquired.ReservationId, acquired.UserId, acquired.EventId, acquired.Quantity, sequence, occurredAt));
    }
}

using BoxOffice.Messaging.Consuming;
using BoxOffice.Messaging.EventLog;
using BoxOffice.Messaging.Storage;
using BoxOffice.Recommendations.Storage;

namespace BoxOffice.Recommendations.Replay;

/// <summary>
/// Clears what the <c>recommendations</c> consumer derived, in the transaction that moves its cursor
/// back. From the beginning: every row. From a later point: the purchases recorded from there on
/// (by their position in the Tickets log, or their time), with the buyer counts rebuilt from the
/// purchases kept. Catalog facts stay: applying their publications again in order ends in the
/// same rows.
/// </summary>
internal sealed class ForgetEverything : IConsumerReset
{
    public async ValueTask ResetAsync(string consumer, ReplayFrom from, ServiceTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(transaction);
        switch (from)
        {
            case ReplayFrom.BeginningPoint:
                foreach (var table in (string[])["event_buyers", "purchases", "event_performers", "events"])
                {
                    await transaction.Command("DELETE FROM " + table).ExecuteNonQueryAsync(cancellationToken);
                }

                return;
            case ReplayFrom.SequencePoint point:
                await transaction.Command("DELETE FROM purchases WHERE source_seq >= @seq").With("@seq", point.Position).ExecuteNonQueryAsync(cancellationToken);
                break;
            case ReplayFrom.TimePoint point:
                // An event just before the point in sequence but stamped after it may be replayed
                // too; it is keyed by its reservation, so it is recorded once.
                await transaction.Command("DELETE FROM purchases WHERE purchased_at >= @at")
                    .With("@at", RecommendationsSchema.Ms(point.At)).ExecuteNonQueryAsync(cancellationToken);
                break;
            default:
                throw new NotSupportedException($"Cannot replay from {from}.");
        }

        await transaction.Command("DELETE FROM event_buyers").ExecuteNonQueryAsync(cancellationToken);
        await transaction.Command("""
                INSERT INTO event_buyers (user_id, event_id, tickets)
                SELECT user_id, event_id, SUM(quantity) FROM purchases GROUP BY user_id, event_id
                """).ExecuteNonQueryAsync(cancellationToken);
    }
}

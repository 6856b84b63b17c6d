using BoxOffice.Messaging.Consuming;
using BoxOffice.Messaging.EventLog;

namespace BoxOffice.Loyalty.Earning;

/// <summary>Loyalty is derived from the logs alone: a replay from the beginning starts from nothing.</summary>
internal sealed class ForgetPoints : IConsumerReset
{
    public async ValueTask ResetAsync(string consumer, ReplayFrom from, ServiceTransaction transaction, CancellationToken cancellationToken)
    {
        if (from is not ReplayFrom.BeginningPoint)
        {
            throw new NotSupportedException("Loyalty rebuilds from the beginning of the logs only.");
        }

        foreach (var table in new[] { "points_history", "balances", "refunded_reservations" })
        {
            await transaction.Command("DELETE FROM " + table).ExecuteNonQueryAsync(cancellationToken);
        }
    }
}

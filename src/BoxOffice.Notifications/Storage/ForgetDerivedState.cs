using BoxOffice.Messaging.Consuming;
using BoxOffice.Messaging.EventLog;

namespace BoxOffice.Notifications.Storage;

/// <summary>
/// The reset hook for a replay. Recipients, catalog and reservations are copies of other services'
/// facts: a replay from the beginning clears them and rebuilds them. A replay from a later point
/// keeps them, since they are upserts of the latest value and the replayed events write them again.
///
/// The feed and the mails are kept on purpose. They record what the buyer was told, not a view to
/// rebuild: feed ids are what live clients resume from (a rebuilt feed would renumber every entry
/// and push the whole history to every open stream again), a mail that went out cannot be unsent,
/// and the log's retention may already have deleted the events behind old entries. Both are keyed
/// by the fact they tell (see the schema), so the replayed events find their entry and neither a
/// second entry nor a second mail is made.
/// </summary>
internal sealed class ForgetDerivedState : IConsumerReset
{
    public async ValueTask ResetAsync(string consumer, ReplayFrom from, ServiceTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        if (from is not ReplayFrom.BeginningPoint)
        {
            return;
        }

        foreach (var table in (string[])["recipients", "catalog_events", "reservations"])
        {
            await transaction.Command("DELETE FROM " + table).ExecuteNonQueryAsync(cancellationToken);
        }
    }
}

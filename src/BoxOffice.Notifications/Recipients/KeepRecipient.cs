using BoxOffice.Contracts.Accounts;
using BoxOffice.Messaging.Consuming;
using BoxOffice.Messaging.Deciding;
using BoxOffice.Notifications.Storage;

namespace BoxOffice.Notifications.Recipients;

/// <summary>
/// Someone registered: keep where to write to them and how to address them. Mails that were
/// waiting for this address become sendable: the writer wakes the sender once this is committed.
/// </summary>
internal sealed class KeepRecipient(TimeProvider time, NotificationWriter writer) : IEventHandler<AccountRegistered>
{
    public async ValueTask HandleAsync(AccountRegistered registered, ConsumeContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        await context.ApplyAsync(Decide(registered, time.GetUtcNow()), writer, cancellationToken);
    }

    /// <summary>The registration's address and name replace what was kept.</summary>
    public static Decision<NotificationChange> Decide(AccountRegistered registered, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(registered);
        return Decision<NotificationChange>.Of(new NotificationChange.RecipientKept(registered.UserId, registered.Email, registered.DisplayName, now));
    }
}

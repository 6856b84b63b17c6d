using BoxOffice.Contracts.Accounts;
using BoxOffice.Messaging.Consuming;
using BoxOffice.Messaging.Storage;
using BoxOffice.Notifications.Mail;

namespace BoxOffice.Notifications.Recipients;

/// <summary>
/// Someone registered: keep where to write to them and how to address them. Mails that were
/// waiting for this address become sendable, so the sender is woken once this is committed.
/// </summary>
internal sealed class KeepRecipient(TimeProvider time, MailSignal mail) : IEventHandler<AccountRegistered>
{
    public async ValueTask HandleAsync(AccountRegistered registered, ConsumeContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registered);
        ArgumentNullException.ThrowIfNull(context);
        await context.Command("""
                INSERT INTO recipients (user_id, email, display_name, updated_at) VALUES (@user, @email, @name, @now)
                ON CONFLICT (user_id) DO UPDATE SET email = excluded.email, display_name = excluded.display_name, updated_at = excluded.updated_at
                """)
            .With("@user", registered.UserId.ToString("D")).With("@email", registered.Email)
            .With("@name", registered.DisplayName).With("@now", time.GetUtcNow().ToUnixTimeMilliseconds())
            .ExecuteNonQueryAsync(cancellationToken);
        context.Transaction.OnCommitted(mail.Wake);
    }
}

using System.Globalization;
using BoxOffice.Messaging.Deciding;
using BoxOffice.Messaging.EventLog;
using BoxOffice.Messaging.Storage;
using BoxOffice.Notifications.Catalog;
using BoxOffice.Notifications.Composing;
using BoxOffice.Notifications.Feed;
using BoxOffice.Notifications.Live;
using BoxOffice.Notifications.Mail;

namespace BoxOffice.Notifications.Storage;

/// <summary>What the Notifications deciders write: copies of other services' facts, what a buyer was told, and the mails' bookkeeping.</summary>
internal abstract record NotificationChange
{
    private NotificationChange()
    {
    }

    /// <summary>Where to write to a user and how to address them (the latest registration wins).</summary>
    public sealed record RecipientKept(Guid UserId, string Email, string DisplayName, DateTimeOffset At) : NotificationChange;

    /// <summary>What notifications name an event by (the latest publication wins).</summary>
    public sealed record EventDetailsKept(Guid EventId, EventDetails Details, DateTimeOffset At) : NotificationChange;

    /// <summary>Which event a reservation is for, and how many tickets; kept once.</summary>
    public sealed record ReservationKept(Guid ReservationId, Guid EventId, int Quantity) : NotificationChange;

    /// <summary>
    /// A fact told to a buyer: its feed entry and its mail, the mail rendered later from
    /// <paramref name="Payload"/> (the triggering event's JSON).
    /// </summary>
    public sealed record Told(Notification Notification, Guid SourceEventId, string Payload, DateTimeOffset At) : NotificationChange;

    /// <summary>A pending mail was delivered to <paramref name="To"/>.</summary>
    public sealed record MailSent(long NotificationId, string To, DateTimeOffset At) : NotificationChange;

    /// <summary>A pending mail failed for now; it is tried again at <paramref name="NextAttemptAt"/>.</summary>
    public sealed record MailDeferred(long NotificationId, string To, string Error, DateTimeOffset NextAttemptAt) : NotificationChange;

    /// <summary>A pending mail is given up on: it waits for an operator among the failed mails.</summary>
    public sealed record MailFailed(long NotificationId, string To, string Error, DateTimeOffset At) : NotificationChange;

    /// <summary>An operator sends a failed mail again, to the address its recipient has now.</summary>
    public sealed record MailRetried(long NotificationId, DateTimeOffset At) : NotificationChange;
}

/// <summary>
/// The SQL of <see cref="NotificationChange"/>s, for the core's <c>ApplyAsync</c>, and the wake-ups
/// they make due once committed: a told fact goes to its user's live streams and wakes the mail
/// sender; a new address or a retried mail wakes the sender. Until the commit neither exists outside
/// the transaction.
/// </summary>
internal sealed class NotificationWriter(NotificationBroadcaster broadcaster, MailSignal mail) : IChangeWriter<NotificationChange>
{
    private const string UpsertRecipient = """
        INSERT INTO recipients (user_id, email, display_name, updated_at) VALUES (@user, @email, @name, @now)
        ON CONFLICT (user_id) DO UPDATE SET email = excluded.email, display_name = excluded.display_name, updated_at = excluded.updated_at
        """;

    private const string UpsertEvent = """
        INSERT INTO catalog_events (event_id, name, venue, city, starts_at, updated_at) VALUES (@id, @name, @venue, @city, @starts, @now)
        ON CONFLICT (event_id) DO UPDATE SET name = excluded.name, venue = excluded.venue, city = excluded.city,
            starts_at = excluded.starts_at, updated_at = excluded.updated_at
        """;

    private const string InsertReservation = """
        INSERT INTO reservations (reservation_id, event_id, quantity) VALUES (@id, @event, @quantity)
        ON CONFLICT (reservation_id) DO NOTHING
        """;

    // The key is unique: a fact decided twice in one batch before either was visible still makes one entry.
    private const string InsertEntry = """
        INSERT INTO feed (notification_key, source_event_id, user_id, kind, text, reservation_id, created_at)
        VALUES (@key, @source, @user, @kind, @text, @reservation, @now)
        ON CONFLICT (notification_key) DO NOTHING
        RETURNING id
        """;

    // The address is taken now if it is known; otherwise the sender resolves it when it is.
    private const string InsertMail = """
        INSERT INTO mails (notification_id, user_id, to_address, subject, kind, event_id, payload, status, attempts, next_attempt_at, created_at)
        VALUES (@id, @user, (SELECT email FROM recipients WHERE user_id = @user), @subject, @kind, @event, @payload, 'pending', 0, @now, @now)
        """;

    // Each outcome is written only over a mail still pending: one settled meanwhile keeps its state.
    private const string MarkSent = """
        UPDATE mails SET status = 'sent', attempts = attempts + 1, next_attempt_at = @now, last_error = NULL, to_address = @to, sent_at = @now
        WHERE notification_id = @id AND status = 'pending'
        """;

    private const string MarkDeferred = """
        UPDATE mails SET attempts = attempts + 1, next_attempt_at = @next, last_error = @error, to_address = @to
        WHERE notification_id = @id AND status = 'pending'
        """;

    private const string MarkFailed = """
        UPDATE mails SET status = 'failed', attempts = attempts + 1, next_attempt_at = @now, last_error = @error, to_address = @to
        WHERE notification_id = @id AND status = 'pending'
        """;

    private const string MarkRetried = """
        UPDATE mails SET status = 'pending', attempts = 0, next_attempt_at = @now, to_address = NULL WHERE notification_id = @id AND status = 'failed'
        """;

    public async Task WriteAsync(ServiceTransaction transaction, NotificationChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        // Rows whose counts nothing needs: held while a consumer applies a batch (see StatementBatch.WriteAsync).
        var batch = transaction.Batch();
        switch (change)
        {
            case NotificationChange.RecipientKept r:
                batch.Add(UpsertRecipient)
                    .With("@user", r.UserId.ToString("D")).With("@email", r.Email).With("@name", r.DisplayName).With("@now", r.At.ToUnixTimeMilliseconds());
                await batch.WriteAsync(cancellationToken);
                // Mails parked for want of this address become sendable.
                transaction.OnCommitted(mail.Wake);
                break;
            case NotificationChange.EventDetailsKept e:
                batch.Add(UpsertEvent)
                    .With("@id", e.EventId.ToString("D")).With("@name", e.Details.Name).With("@venue", e.Details.Venue).With("@city", e.Details.City)
                    .With("@starts", EventDetails.FormatStart(e.Details.StartsAt)).With("@now", e.At.ToUnixTimeMilliseconds());
                await batch.WriteAsync(cancellationToken);
                break;
            case NotificationChange.ReservationKept r:
                batch.Add(InsertReservation)
                    .With("@id", r.ReservationId.ToString("D")).With("@event", r.EventId.ToString("D")).With("@quantity", r.Quantity);
                await batch.WriteAsync(cancellationToken);
                break;
            case NotificationChange.Told told:
                await TellAsync(transaction, told, cancellationToken);
                break;
            case NotificationChange.MailSent s:
                await transaction.Command(MarkSent)
                    .With("@id", s.NotificationId).With("@to", s.To).With("@now", s.At.ToUnixTimeMilliseconds())
                    .ExecuteNonQueryAsync(cancellationToken);
                break;
            case NotificationChange.MailDeferred d:
                await transaction.Command(MarkDeferred)
                    .With("@id", d.NotificationId).With("@to", d.To).With("@error", d.Error).With("@next", d.NextAttemptAt.ToUnixTimeMilliseconds())
                    .ExecuteNonQueryAsync(cancellationToken);
                break;
            case NotificationChange.MailFailed f:
                await transaction.Command(MarkFailed)
                    .With("@id", f.NotificationId).With("@to", f.To).With("@error", f.Error).With("@now", f.At.ToUnixTimeMilliseconds())
                    .ExecuteNonQueryAsync(cancellationToken);
                break;
            case NotificationChange.MailRetried r:
                await transaction.Command(MarkRetried)
                    .With("@id", r.NotificationId).With("@now", r.At.ToUnixTimeMilliseconds())
                    .ExecuteNonQueryAsync(cancellationToken);
                transaction.OnCommitted(mail.Wake);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(change), change, "Unknown notifications change.");
        }
    }

    private async Task TellAsync(ServiceTransaction transaction, NotificationChange.Told told, CancellationToken ct)
    {
        var notification = told.Notification;
        var now = told.At.ToUnixTimeMilliseconds();
        var user = notification.UserId.ToString("D");
        var id = await transaction.Command(InsertEntry)
            .With("@key", notification.Key).With("@source", told.SourceEventId.ToString("D")).With("@user", user)
            .With("@kind", notification.Kind).With("@text", notification.Text)
            .With("@reservation", notification.ReservationId.ToString("D")).With("@now", now)
            .ExecuteScalarAsync(ct);
        if (id is null or DBNull)
        {
            return;
        }

        var entry = new FeedEntry(
            Convert.ToInt64(id, CultureInfo.InvariantCulture), notification.Kind, notification.Text, notification.ReservationId,
            DateTimeOffset.FromUnixTimeMilliseconds(now));
        var mailRow = transaction.Batch();
        mailRow.Add(InsertMail)
            .With("@id", entry.Id).With("@user", user).With("@subject", notification.Subject).With("@kind", notification.Kind)
            .With("@event", notification.EventId?.ToString("D")).With("@payload", told.Payload).With("@now", now);
        await mailRow.WriteAsync(ct);

        // Runs under the consumer's gate, after the commit, in commit order: live streams see
        // entries in id order. Neither call throws or blocks.
        transaction.OnCommitted(() =>
        {
            broadcaster.Publish(notification.UserId, entry);
            mail.Wake();
        });
    }
}

using System.Data.Common;
using BoxOffice.Messaging.Deciding;
using BoxOffice.Messaging.Storage;
using BoxOffice.Notifications.Catalog;
using BoxOffice.Notifications.Storage;

namespace BoxOffice.Notifications.Mail;

/// <summary>
/// A mail due to be sent, with everything needed to build it: the feed entry's sentence (the heart
/// of the mail), the triggering event's JSON (ticket codes, challenge URL ...) and the event as
/// the catalog knows it now, if it does.
/// </summary>
internal sealed record OutgoingMail(
    long NotificationId,
    string Kind,
    string To,
    string? DisplayName,
    string Subject,
    string Text,
    string Payload,
    EventDetails? Event,
    DateTimeOffset CreatedAt,
    int Attempts);

/// <summary>What became of one attempt at a mail.</summary>
internal abstract record Delivery
{
    private Delivery()
    {
    }

    public sealed record Sent : Delivery;

    /// <summary>Worth trying again later: the server was unreachable, busy, or answered 4xx.</summary>
    public sealed record Transient(string Error) : Delivery;

    /// <summary>Never going to work as it is: the server answered 5xx, or the mail cannot be built.</summary>
    public sealed record Permanent(string Error) : Delivery;
}

/// <summary>The outgoing mails: which are due, and what the attempts at them decide.</summary>
internal static class OutgoingMails
{
    /// <summary>
    /// Pending mails whose time has come and whose recipient's address is known. A mail for a buyer
    /// whose registration has not been seen yet is parked here, not attempted: it becomes due the
    /// moment the address arrives (KeepRecipient wakes the sender).
    /// </summary>
    public static async Task<IReadOnlyList<OutgoingMail>> DueAsync(ServiceDatabase database, DateTimeOffset now, int limit, CancellationToken ct)
    {
        await using var connection = await database.OpenReadAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT m.notification_id, m.kind, COALESCE(m.to_address, r.email), r.display_name, m.subject, f.text, m.payload,
                   e.name, e.venue, e.city, e.starts_at, m.created_at, m.attempts
            FROM mails m
            JOIN feed f ON f.id = m.notification_id
            LEFT JOIN recipients r ON r.user_id = m.user_id
            LEFT JOIN catalog_events e ON e.event_id = m.event_id
            WHERE m.status = 'pending' AND m.next_attempt_at <= @now AND COALESCE(m.to_address, r.email) IS NOT NULL
            ORDER BY m.next_attempt_at, m.notification_id
            LIMIT @limit
            """;
        command.With("@now", now.ToUnixTimeMilliseconds()).With("@limit", limit);
        var mails = new List<OutgoingMail>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            mails.Add(Read(reader));
        }

        return mails;
    }

    /// <summary>
    /// Records what became of a batch of attempts in one transaction of its own: the core writes the
    /// decided changes, each only over a mail still pending (one settled meanwhile keeps its state).
    /// </summary>
    public static async Task RecordAsync(
        ServiceDatabase database, NotificationWriter writer, IReadOnlyList<(OutgoingMail Mail, Delivery Outcome)> attempts,
        DateTimeOffset now, NotificationsOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(database);
        var decision = Decide(attempts, now, options);
        if (decision.IsEmpty)
        {
            return;
        }

        await using var tx = await database.BeginAsync(ct);
        await tx.ApplyAsync(decision, writer, ct: ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>What the attempts at a batch of mails decide, one change per mail (see <see cref="Decide(OutgoingMail, Delivery, DateTimeOffset, NotificationsOptions)"/>).</summary>
    public static Decision<NotificationChange> Decide(
        IReadOnlyList<(OutgoingMail Mail, Delivery Outcome)> attempts, DateTimeOffset now, NotificationsOptions options)
    {
        ArgumentNullException.ThrowIfNull(attempts);
        return new([.. attempts.Select(a => Decide(a.Mail, a.Outcome, now, options))], []);
    }

    /// <summary>
    /// What one attempt decides: a sent mail is done; a permanent failure, or a transient one that
    /// used up <see cref="NotificationsOptions.MaxSendAttempts"/> (0: no limit), is given up on for an
    /// operator; any other transient failure is tried again after the backoff. The address the
    /// attempt used is kept with the outcome.
    /// </summary>
    public static NotificationChange Decide(OutgoingMail mail, Delivery outcome, DateTimeOffset now, NotificationsOptions options)
    {
        ArgumentNullException.ThrowIfNull(mail);
        ArgumentNullException.ThrowIfNull(options);
        var attempts = mail.Attempts + 1;
        return outcome switch
        {
            Delivery.Sent => new NotificationChange.MailSent(mail.NotificationId, mail.To, now),
            Delivery.Permanent p => new NotificationChange.MailFailed(mail.NotificationId, mail.To, p.Error, now),
            Delivery.Transient t when options.MaxSendAttempts > 0 && attempts >= options.MaxSendAttempts =>
                new NotificationChange.MailFailed(mail.NotificationId, mail.To, t.Error, now),
            Delivery.Transient t => new NotificationChange.MailDeferred(mail.NotificationId, mail.To, t.Error, now + options.BackoffAfter(attempts)),
            _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Unknown delivery outcome."),
        };
    }

    private static OutgoingMail Read(DbDataReader r) => new(
        r.GetInt64(0),
        r.GetString(1),
        r.GetString(2),
        r.IsDBNull(3) ? null : r.GetString(3),
        r.GetString(4),
        r.GetString(5),
        r.GetString(6),
        r.IsDBNull(7) ? null : new EventDetails(r.GetString(7), r.GetString(8), r.GetString(9), EventDetails.ParseStart(r.GetString(10))),
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(11)),
        r.GetInt32(12));
}

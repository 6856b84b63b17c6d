using System.Globalization;
using BoxOffice.Messaging.Consuming;
using BoxOffice.Messaging.Storage;
using BoxOffice.Notifications.Catalog;
using BoxOffice.Notifications.Feed;
using BoxOffice.Notifications.Live;
using BoxOffice.Notifications.Mail;

namespace BoxOffice.Notifications.Composing;

/// <summary>The kinds of notification, as they appear in the feed.</summary>
internal static class Kinds
{
    public const string TicketsAcquired = "tickets-acquired";
    public const string TicketsReleased = "tickets-released";
    public const string PaymentRequiresAction = "payment-requires-action";
    public const string PaymentRefunded = "payment-refunded";
}

/// <summary>
/// What to tell a buyer about one fact: the feed sentence and the mail's subject. The key names
/// the fact told, so it is told once however often it is applied; the event id (when known) lets
/// the mail name the event as the catalog knows it when the mail is sent.
/// </summary>
internal sealed record Notification(
    string Kind,
    string Key,
    Guid UserId,
    Guid ReservationId,
    Guid? EventId,
    string Subject,
    string Text);

/// <summary>
/// Writes a notification in the consumer's transaction: its feed entry and its outgoing mail, or
/// nothing when the fact was told already. Once committed, the entry goes to the user's live
/// streams and the mail sender is woken; until then neither exists outside the transaction.
/// </summary>
internal sealed class NotificationWriter(NotificationBroadcaster broadcaster, MailSignal mail, TimeProvider time)
{
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

    /// <returns>The new feed entry, or null when this fact had been told already.</returns>
    public async Task<FeedEntry?> WriteAsync(ConsumeContext context, Notification notification, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var user = notification.UserId.ToString("D");
        var id = await context.Command(InsertEntry)
            .With("@key", notification.Key).With("@source", context.Envelope.EventId.ToString("D")).With("@user", user)
            .With("@kind", notification.Kind).With("@text", notification.Text)
            .With("@reservation", notification.ReservationId.ToString("D")).With("@now", now.ToUnixTimeMilliseconds())
            .ExecuteScalarAsync(ct);
        if (id is null or DBNull)
        {
            return null;
        }

        var entry = new FeedEntry(
            Convert.ToInt64(id, CultureInfo.InvariantCulture), notification.Kind, notification.Text, notification.ReservationId,
            DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds()));
        await context.Command(InsertMail)
            .With("@id", entry.Id).With("@user", user).With("@subject", notification.Subject).With("@kind", notification.Kind)
            .With("@event", notification.EventId?.ToString("D")).With("@payload", context.Envelope.Payload)
            .With("@now", now.ToUnixTimeMilliseconds())
            .ExecuteNonQueryAsync(ct);

        // Runs under the consumer's gate, after the commit, in commit order: live streams see
        // entries in id order. Neither call throws or blocks.
        context.Transaction.OnCommitted(() =>
        {
            broadcaster.Publish(notification.UserId, entry);
            mail.Wake();
        });
        return entry;
    }
}

/// <summary>The phrases the notifications are made of.</summary>
internal static class Wording
{
    private static readonly HashSet<string> NoMinorUnits = new(StringComparer.OrdinalIgnoreCase) { "JPY", "KRW", "ISK", "CLP", "VND", "UGX", "XAF", "XOF" };

    /// <summary>"1 ticket", "3 tickets".</summary>
    public static string Tickets(int quantity) =>
        quantity == 1 ? "1 ticket" : quantity.ToString(CultureInfo.InvariantCulture) + " tickets";

    /// <summary>"Hamlet at Royal Court Theatre, London on Saturday 14 June 2025 at 19:30", or "your event" when unknown.</summary>
    public static string Event(EventDetails? details) =>
        details is null ? "your event" : $"{details.Name} at {details.Venue}, {details.City} on {When(details.StartsAt)}";

    /// <summary>"Hamlet", or "your event" when unknown.</summary>
    public static string EventName(EventDetails? details) => details?.Name ?? "your event";

    /// <summary>"Saturday 14 June 2025 at 19:30" in the event's own offset, which is named unless it is UTC.</summary>
    public static string When(DateTimeOffset at)
    {
        var text = at.ToString("dddd d MMMM yyyy 'at' HH:mm", CultureInfo.InvariantCulture);
        return at.Offset == TimeSpan.Zero ? text + " UTC" : text + " (UTC" + at.ToString("zzz", CultureInfo.InvariantCulture) + ")";
    }

    /// <summary>"84.00 EUR" from minor units.</summary>
    public static string Money(long minorUnits, string currency)
    {
        var major = NoMinorUnits.Contains(currency)
            ? minorUnits.ToString("N0", CultureInfo.InvariantCulture)
            : (minorUnits / 100m).ToString("N2", CultureInfo.InvariantCulture);
        return major + " " + currency.ToUpperInvariant();
    }
}

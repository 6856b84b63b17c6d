using System.Globalization;
using BoxOffice.Contracts;
using BoxOffice.Messaging.Deciding;
using BoxOffice.Messaging.EventLog;
using BoxOffice.Messaging.Storage;
using BoxOffice.Notifications.Catalog;
using BoxOffice.Notifications.Reservations;
using BoxOffice.Notifications.Storage;

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
/// What a notification is decided on: whether its fact was told already (by its key), and what
/// Notifications knows of the reservation and the event to name them by (null when not seen yet).
/// </summary>
internal sealed record Known(bool AlreadyTold, KeptReservation? Reservation, EventDetails? Event)
{
    /// <summary>
    /// Loads what a notification keyed <paramref name="key"/> needs: the reservation when given, and the
    /// event given or, failing that, the reservation's. A fact told already needs nothing more.
    /// </summary>
    public static async Task<Known> LoadAsync(ServiceTransaction tx, string key, Guid? reservationId, Guid? eventId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        var told = await tx.Command("SELECT 1 FROM feed WHERE notification_key = @key").With("@key", key).ExecuteScalarAsync(ct);
        if (told is not (null or DBNull))
        {
            return new Known(true, null, null);
        }

        var reservation = reservationId is { } id ? await KeepReservation.FindAsync(tx, id, ct) : null;
        return new Known(false, reservation, await KeepEventDetails.FindAsync(tx, eventId ?? reservation?.EventId, ct));
    }

    /// <summary>
    /// Tells <paramref name="notification"/> (a feed entry and a mail rendered from
    /// <paramref name="source"/>'s payload), unless its fact was told already: a redelivery or a
    /// replay decides nothing.
    /// </summary>
    public Decision<NotificationChange> Tell(Notification notification, EventEnvelope source, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(notification);
        ArgumentNullException.ThrowIfNull(source);
        return AlreadyTold
            ? Decision<NotificationChange>.None
            : Decision<NotificationChange>.Of(new NotificationChange.Told(notification, source.EventId, source.Payload, now));
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

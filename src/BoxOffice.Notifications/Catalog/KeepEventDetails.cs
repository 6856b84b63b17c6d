using System.Globalization;
using BoxOffice.Contracts.Tickets;
using BoxOffice.Messaging.Consuming;
using BoxOffice.Messaging.Deciding;
using BoxOffice.Messaging.EventLog;
using BoxOffice.Messaging.Storage;
using BoxOffice.Notifications.Storage;

namespace BoxOffice.Notifications.Catalog;

/// <summary>What a notification says about an event.</summary>
internal sealed record EventDetails(string Name, string Venue, string City, DateTimeOffset StartsAt)
{
    /// <summary>
    /// The start as stored: ISO 8601 with the offset the event was published with, so the time in a
    /// mail is the venue's local time the organizer gave, not this server's.
    /// </summary>
    public static DateTimeOffset ParseStart(string stored) => DateTimeOffset.ParseExact(stored, "O", CultureInfo.InvariantCulture);

    /// <summary>The stored form of a start (see <see cref="ParseStart"/>).</summary>
    public static string FormatStart(DateTimeOffset startsAt) => startsAt.ToString("O", CultureInfo.InvariantCulture);
}

/// <summary>An event was published or changed: keep what notifications name it by.</summary>
internal sealed class KeepEventDetails(TimeProvider time, NotificationWriter writer) : IEventHandler<EventPublished>
{
    public async ValueTask HandleAsync(EventPublished published, ConsumeContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        await context.ApplyAsync(Decide(published, time.GetUtcNow()), writer, cancellationToken);
    }

    /// <summary>The latest publication's details replace what was kept, so applying the log again ends in the same row.</summary>
    public static Decision<NotificationChange> Decide(EventPublished published, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(published);
        return Decision<NotificationChange>.Of(new NotificationChange.EventDetailsKept(
            published.EventId, new EventDetails(published.Name, published.Venue, published.City, published.StartsAt), now));
    }

    /// <summary>The event's details, or null when its publication has not been seen (yet).</summary>
    public static async Task<EventDetails?> FindAsync(ServiceTransaction tx, Guid? eventId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        if (eventId is not { } id)
        {
            return null;
        }

        await using var reader = await tx.Command("SELECT name, venue, city, starts_at FROM catalog_events WHERE event_id = @id")
            .With("@id", id.ToString("D")).ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new EventDetails(reader.GetString(0), reader.GetString(1), reader.GetString(2), EventDetails.ParseStart(reader.GetString(3)))
            : null;
    }
}

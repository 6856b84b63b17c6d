using System.Globalization;
using BoxOffice.Contracts.Tickets;
using BoxOffice.Messaging.Consuming;
using BoxOffice.Messaging.Storage;

namespace BoxOffice.Notifications.Catalog;

/// <summary>What a notification says about an event.</summary>
internal sealed record EventDetails(string Name, string Venue, string City, DateTimeOffset StartsAt)
{
    /// <summary>
    /// The start as stored: ISO 8601 with the offset the event was published with, so the time in a
    /// mail is the venue's local time the organizer gave, not this server's.
    /// </summary>
    public static DateTimeOffset ParseStart(string stored) => DateTimeOffset.ParseExact(stored, "O", CultureInfo.InvariantCulture);
}

/// <summary>An event was published or changed: keep what notifications name it by.</summary>
internal sealed class KeepEventDetails(TimeProvider time) : IEventHandler<EventPublished>
{
    public async ValueTask HandleAsync(EventPublished published, ConsumeContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(published);
        ArgumentNullException.ThrowIfNull(context);
        await context.Command("""
                INSERT INTO catalog_events (event_id, name, venue, city, starts_at, updated_at) VALUES (@id, @name, @venue, @city, @starts, @now)
                ON CONFLICT (event_id) DO UPDATE SET name = excluded.name, venue = excluded.venue, city = excluded.city,
                    starts_at = excluded.starts_at, updated_at = excluded.updated_at
                """)
            .With("@id", published.EventId.ToString("D")).With("@name", published.Name).With("@venue", published.Venue)
            .With("@city", published.City).With("@starts", published.StartsAt.ToString("O", CultureInfo.InvariantCulture))
            .With("@now", time.GetUtcNow().ToUnixTimeMilliseconds())
            .ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The event's details, or null when its publication has not been seen (yet).</summary>
    public static async Task<EventDetails?> FindAsync(ConsumeContext context, Guid? eventId, CancellationToken ct)
    {
        if (eventId is not { } id)
        {
            return null;
        }

        await using var reader = await context.Command("SELECT name, venue, city, starts_at FROM catalog_events WHERE event_id = @id")
            .With("@id", id.ToString("D")).ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new EventDetails(reader.GetString(0), reader.GetString(1), reader.GetString(2), EventDetails.ParseStart(reader.GetString(3)))
            : null;
    }
}

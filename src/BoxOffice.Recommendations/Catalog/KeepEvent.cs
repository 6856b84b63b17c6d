using BoxOffice.Contracts.Tickets;
using BoxOffice.Messaging.Consuming;
using BoxOffice.Messaging.Storage;
using BoxOffice.Recommendations.Storage;

namespace BoxOffice.Recommendations.Catalog;

/// <summary>
/// Keeps the facts of a published event that ranking uses. A later publication of the same event
/// replaces them, so applying the log again in order ends in the same row.
/// </summary>
internal sealed class KeepEvent : IEventHandler<EventPublished>
{
    public async ValueTask HandleAsync(EventPublished published, ConsumeContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(published);
        ArgumentNullException.ThrowIfNull(context);
        var id = published.EventId.ToString("D");
        await context.Command("""
                INSERT INTO events (event_id, name, city, category, starts_at, minimum_age)
                VALUES (@id, @name, @city, @category, @starts_at, @minimum_age)
                ON CONFLICT (event_id) DO UPDATE SET
                    name = excluded.name, city = excluded.city, category = excluded.category,
                    starts_at = excluded.starts_at, minimum_age = excluded.minimum_age
                """)
            .With("@id", id).With("@name", published.Name).With("@city", published.City).With("@category", published.Category)
            .With("@starts_at", RecommendationsSchema.Ms(published.StartsAt)).With("@minimum_age", published.MinimumAge)
            .ExecuteNonQueryAsync(cancellationToken);

        await context.Command("DELETE FROM event_performers WHERE event_id = @id").With("@id", id).ExecuteNonQueryAsync(cancellationToken);
        foreach (var performer in published.Performers.Where(p => !string.IsNullOrWhiteSpace(p)).Distinct(StringComparer.Ordinal))
        {
            await context.Command("INSERT INTO event_performers (event_id, performer) VALUES (@id, @performer)")
                .With("@id", id).With("@performer", performer).ExecuteNonQueryAsync(cancellationToken);
        }
    }
}

using BoxOffice.Contracts.Tickets;
using BoxOffice.Messaging.Consuming;
using BoxOffice.Messaging.Deciding;
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
        ArgumentNullException.ThrowIfNull(context);
        await context.ApplyAsync(Decide(published), RecommendationsWriter.Instance, cancellationToken);
    }

    /// <summary>The publication's facts, with each named performer once (blank names are no performer).</summary>
    public static Decision<RecommendationsChange> Decide(EventPublished published)
    {
        ArgumentNullException.ThrowIfNull(published);
        return Decision<RecommendationsChange>.Of(new RecommendationsChange.EventKept(
            published.EventId, published.Name, published.City, published.Category, published.StartsAt, published.MinimumAge,
            [.. published.Performers.Where(p => !string.IsNullOrWhiteSpace(p)).Distinct(StringComparer.Ordinal)]));
    }
}

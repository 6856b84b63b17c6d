using BoxOffice.Contracts.Tickets;
using BoxOffice.Messaging.Hosting;
using BoxOffice.Recommendations.Catalog;
using BoxOffice.Recommendations.Purchases;
using BoxOffice.Recommendations.Ranking;
using BoxOffice.Recommendations.Replay;
using BoxOffice.Recommendations.Storage;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BoxOffice.Recommendations;

/// <summary>
/// The Recommendations module: suggests upcoming events to buyers from what people bought, built
/// only from the Tickets service's events (<c>EventPublished</c>, <c>TicketsAcquired</c>), so a
/// replay from the log rebuilds it.
/// </summary>
public static class RecommendationsModule
{
    /// <summary>
    /// Adds the <c>recommendations</c> database and its consumer of the Tickets log, which keeps
    /// the catalog facts and purchases that ranking reads, and clears them when it is reset for a replay.
    /// </summary>
    public static MessagingBuilder AddRecommendations(this MessagingBuilder messaging, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(messaging);
        ArgumentNullException.ThrowIfNull(configuration);
        messaging.Services.TryAddSingleton(TimeProvider.System);
        return messaging
            .AddDatabase(RecommendationsSchema.Database, RecommendationsSchema.Migrations)
            .AddConsumer("recommendations", RecommendationsSchema.Database, c => c
                .Handle<EventPublished, KeepEvent>()
                .Handle<TicketsAcquired, RecordPurchase>()
                .OnReset<ForgetEverything>());
    }

    /// <summary>Maps <c>GET /api/me/recommendations?limit=N</c> (authenticated).</summary>
    public static IEndpointRouteBuilder MapRecommendations(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        GetRecommendations.Map(endpoints);
        return endpoints;
    }
}

using System.Text.Json.Serialization.Metadata;

namespace BoxOffice.Contracts.Tickets;

/// <summary>An organizer put an event on sale (or changed what buyers see of it).</summary>
/// <param name="EventId">The event.</param>
/// <param name="Name">Its name.</param>
/// <param name="Venue">Where.</param>
/// <param name="City">The city.</param>
/// <param name="Category">For example concert, theatre, sport.</param>
/// <param name="Performers">Who performs.</param>
/// <param name="StartsAt">When it starts; sales close then.</param>
/// <param name="MinimumAge">Youngest age admitted on the event date (0 = none).</param>
public sealed record EventPublished(
    Guid EventId,
    string Name,
    string Venue,
    string City,
    string Category,
    IReadOnlyList<string> Performers,
    DateTimeOffset StartsAt,
    int MinimumAge) : IEvent<EventPublished>
{
    /// <inheritdoc />
    public static string WireName => "tickets.event-published.v1";

    /// <inheritdoc />
    public static JsonTypeInfo<EventPublished> JsonTypeInfo => ContractsJson.Default.EventPublished;
}

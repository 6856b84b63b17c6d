using System.Data.Common;
using System.Text.Json.Serialization;

namespace BoxOffice.Notifications.Feed;

/// <summary>One notification in a buyer's in-app feed; <see cref="Id"/> grows with every entry and is the SSE event id.</summary>
internal sealed record FeedEntry(long Id, string Kind, string Text, Guid? ReservationId, DateTimeOffset CreatedAt)
{
    public const string Columns = "id, kind, text, reservation_id, created_at";

    public static FeedEntry Read(DbDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.IsDBNull(3) ? null : Guid.Parse(reader.GetString(3)),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)));
}

/// <summary>Feed entries on the wire, camelCase.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(FeedEntry))]
[JsonSerializable(typeof(IReadOnlyList<FeedEntry>))]
internal sealed partial class FeedJson : JsonSerializerContext;

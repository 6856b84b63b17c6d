using BoxOffice.Messaging.Storage;

namespace BoxOffice.Recommendations.Storage;

/// <summary>
/// The Recommendations module's tables in the <c>recommendations</c> database. Every row is derived
/// from the Tickets log, so <see cref="Replay.ForgetEverything"/> may delete all of them and a
/// replay rebuilds them.
/// </summary>
internal static class RecommendationsSchema
{
    public const string Database = "recommendations";

    public static MigrationSet Migrations { get; } = new("recommendations",
    [
        // Ids are TEXT ("D" format) and times unix milliseconds, as in the messaging tables.
        // purchases is keyed by reservation id: an acquisition seen twice (a replay over rows that
        // were kept) is recorded once. event_buyers is what ranking counts: one row per buyer and
        // event whatever the number of reservations, indexed both ways so the buyer's events and an
        // event's buyers are each one index range.
        new Migration(1, "catalog facts and purchases",
            """
            CREATE TABLE events (
                event_id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                city TEXT NOT NULL,
                category TEXT NOT NULL,
                starts_at BIGINT NOT NULL,
                minimum_age INTEGER NOT NULL);
            CREATE INDEX events_by_start ON events (starts_at);
            CREATE TABLE event_performers (
                event_id TEXT NOT NULL,
                performer TEXT NOT NULL,
                PRIMARY KEY (event_id, performer));
            CREATE TABLE purchases (
                reservation_id TEXT PRIMARY KEY,
                user_id TEXT NOT NULL,
                event_id TEXT NOT NULL,
                quantity INTEGER NOT NULL,
                source_seq BIGINT NOT NULL,
                purchased_at BIGINT NOT NULL);
            CREATE INDEX purchases_by_user ON purchases (user_id, event_id);
            CREATE INDEX purchases_by_event ON purchases (event_id, user_id);
            CREATE TABLE event_buyers (
                user_id TEXT NOT NULL,
                event_id TEXT NOT NULL,
                tickets INTEGER NOT NULL,
                PRIMARY KEY (user_id, event_id));
            CREATE INDEX event_buyers_by_event ON event_buyers (event_id, user_id);
            """),
    ]);

    public static long Ms(DateTimeOffset at) => at.ToUnixTimeMilliseconds();
}

using BoxOffice.Messaging.Storage;

namespace BoxOffice.Loyalty.Storage;

internal static class LoyaltySchema
{
    public const string Database = "loyalty";

    public static MigrationSet Migrations { get; } = new(Database,
    [
        new Migration(1, "points history and balances",
            // One earned and at most one revoked entry per reservation: the keys make a second
            // application of the same fact impossible even if a handler had a bug.
            """
            CREATE TABLE points_history (
                id INTEGER PRIMARY KEY,
                user_id TEXT NOT NULL,
                reservation_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                points BIGINT NOT NULL,
                reason TEXT NOT NULL,
                occurred_at BIGINT NOT NULL,
                UNIQUE (reservation_id, kind));
            CREATE INDEX points_history_by_user ON points_history (user_id, id);
            CREATE TABLE balances (
                user_id TEXT PRIMARY KEY,
                points BIGINT NOT NULL);
            CREATE TABLE refunded_reservations (
                reservation_id TEXT PRIMARY KEY);
            """,
            """
            CREATE TABLE points_history (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                user_id TEXT NOT NULL,
                reservation_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                points BIGINT NOT NULL,
                reason TEXT NOT NULL,
                occurred_at BIGINT NOT NULL,
                UNIQUE (reservation_id, kind));
            CREATE INDEX points_history_by_user ON points_history (user_id, id);
            CREATE TABLE balances (
                user_id TEXT PRIMARY KEY,
                points BIGINT NOT NULL);
            CREATE TABLE refunded_reservations (
                reservation_id TEXT PRIMARY KEY);
            """),
    ]);
}

using BoxOffice.Messaging.Storage;

namespace BoxOffice.Notifications.Storage;

/// <summary>The Notifications module's tables in the <c>notifications</c> database.</summary>
internal static class NotificationsSchema
{
    public const string Database = "notifications";

    public const string Consumer = "notifications";

    public static MigrationSet Migrations { get; } = new("notifications",
    [
        // Ids are TEXT ("D" format) and times unix milliseconds, as in the messaging tables.
        //
        // feed.id is the SSE event id clients resume from (Last-Event-ID), so it must only ever
        // grow: AUTOINCREMENT never hands out an id again, even after the newest rows are deleted.
        // feed.notification_key names the fact told (for example tickets-acquired:{reservation}),
        // so a fact applied again (a redelivery, a replay, the same fact published twice) finds its
        // entry and adds neither an entry nor a mail.
        //
        // mails has one row per feed entry, keyed by its id. to_address is NULL while the buyer's
        // address is unknown; the sender resolves it from recipients and leaves the mail parked
        // until it is known. payload is the triggering event's JSON, rendered when the mail is built.
        new Migration(1, "recipients, catalog, reservations, feed and outgoing mails",
            """
            CREATE TABLE recipients (
                user_id TEXT PRIMARY KEY,
                email TEXT NOT NULL,
                display_name TEXT NOT NULL,
                updated_at BIGINT NOT NULL);
            CREATE TABLE catalog_events (
                event_id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                venue TEXT NOT NULL,
                city TEXT NOT NULL,
                starts_at TEXT NOT NULL,
                updated_at BIGINT NOT NULL);
            CREATE TABLE reservations (
                reservation_id TEXT PRIMARY KEY,
                event_id TEXT NOT NULL,
                quantity INTEGER NOT NULL);
            CREATE TABLE feed (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                notification_key TEXT NOT NULL UNIQUE,
                source_event_id TEXT NOT NULL,
                user_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                text TEXT NOT NULL,
                reservation_id TEXT NULL,
                created_at BIGINT NOT NULL);
            CREATE INDEX feed_by_user ON feed (user_id, id);
            CREATE TABLE mails (
                notification_id BIGINT PRIMARY KEY,
                user_id TEXT NOT NULL,
                to_address TEXT NULL,
                subject TEXT NOT NULL,
                kind TEXT NOT NULL,
                event_id TEXT NULL,
                payload TEXT NOT NULL,
                status TEXT NOT NULL,
                attempts INTEGER NOT NULL,
                next_attempt_at BIGINT NOT NULL,
                last_error TEXT NULL,
                created_at BIGINT NOT NULL,
                sent_at BIGINT NULL);
            CREATE INDEX mails_due ON mails (status, next_attempt_at);
            """,
            """
            CREATE TABLE recipients (
                user_id TEXT PRIMARY KEY,
                email TEXT NOT NULL,
                display_name TEXT NOT NULL,
                updated_at BIGINT NOT NULL);
            CREATE TABLE catalog_events (
                event_id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                venue TEXT NOT NULL,
                city TEXT NOT NULL,
                starts_at TEXT NOT NULL,
                updated_at BIGINT NOT NULL);
            CREATE TABLE reservations (
                reservation_id TEXT PRIMARY KEY,
                event_id TEXT NOT NULL,
                quantity INTEGER NOT NULL);
            CREATE TABLE feed (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                notification_key TEXT NOT NULL UNIQUE,
                source_event_id TEXT NOT NULL,
                user_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                text TEXT NOT NULL,
                reservation_id TEXT NULL,
                created_at BIGINT NOT NULL);
            CREATE INDEX feed_by_user ON feed (user_id, id);
            CREATE TABLE mails (
                notification_id BIGINT PRIMARY KEY,
                user_id TEXT NOT NULL,
                to_address TEXT NULL,
                subject TEXT NOT NULL,
                kind TEXT NOT NULL,
                event_id TEXT NULL,
                payload TEXT NOT NULL,
                status TEXT NOT NULL,
                attempts INTEGER NOT NULL,
                next_attempt_at BIGINT NOT NULL,
                last_error TEXT NULL,
                created_at BIGINT NOT NULL,
                sent_at BIGINT NULL);
            CREATE INDEX mails_due ON mails (status, next_attempt_at);
            """),
    ]);
}

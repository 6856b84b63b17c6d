namespace BoxOffice.Messaging.Storage;

/// <summary>The messaging core's own tables, present in every service database.</summary>
internal static class MessagingSchema
{
    public static MigrationSet Migrations { get; } = new("messaging",
    [
        new Migration(1, "event log, cursors and dead letters",
            // event_log.seq is assigned by the writer (see EventLogWriter), never by the database,
            // so it stays gap-free and is never reused after retention empties the table.
            """
            CREATE TABLE event_log (
                seq INTEGER PRIMARY KEY,
                event_id TEXT NOT NULL,
                type TEXT NOT NULL,
                occurred_at BIGINT NOT NULL,
                correlation_id TEXT NULL,
                causation_id TEXT NULL,
                payload TEXT NOT NULL);
            CREATE TABLE event_log_head (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                last_seq BIGINT NOT NULL);
            INSERT INTO event_log_head (id, last_seq) VALUES (1, 0);
            CREATE TABLE consumer_cursors (
                consumer TEXT NOT NULL,
                source TEXT NOT NULL,
                position BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                PRIMARY KEY (consumer, source));
            CREATE TABLE dead_letters (
                id INTEGER PRIMARY KEY,
                consumer TEXT NOT NULL,
                source TEXT NOT NULL,
                seq BIGINT NOT NULL,
                event_id TEXT NOT NULL,
                type TEXT NOT NULL,
                occurred_at BIGINT NOT NULL,
                correlation_id TEXT NULL,
                causation_id TEXT NULL,
                payload TEXT NOT NULL,
                error TEXT NOT NULL,
                attempts INTEGER NOT NULL,
                dead_at BIGINT NOT NULL,
                redriven_at BIGINT NULL);
            CREATE INDEX dead_letters_by_consumer ON dead_letters (consumer, redriven_at);
            """,
            // PostgreSQL: the same columns (ids as text, as the readers expect), an identity for dead letters.
            """
            CREATE TABLE event_log (
                seq BIGINT PRIMARY KEY,
                event_id TEXT NOT NULL,
                type TEXT NOT NULL,
                occurred_at BIGINT NOT NULL,
                correlation_id TEXT NULL,
                causation_id TEXT NULL,
                payload TEXT NOT NULL);
            CREATE TABLE event_log_head (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                last_seq BIGINT NOT NULL);
            INSERT INTO event_log_head (id, last_seq) VALUES (1, 0);
            CREATE TABLE consumer_cursors (
                consumer TEXT NOT NULL,
                source TEXT NOT NULL,
                position BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                PRIMARY KEY (consumer, source));
            CREATE TABLE dead_letters (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                consumer TEXT NOT NULL,
                source TEXT NOT NULL,
                seq BIGINT NOT NULL,
                event_id TEXT NOT NULL,
                type TEXT NOT NULL,
                occurred_at BIGINT NOT NULL,
                correlation_id TEXT NULL,
                causation_id TEXT NULL,
                payload TEXT NOT NULL,
                error TEXT NOT NULL,
                attempts INTEGER NOT NULL,
                dead_at BIGINT NOT NULL,
                redriven_at BIGINT NULL);
            CREATE INDEX dead_letters_by_consumer ON dead_letters (consumer, redriven_at);
            """),
    ]);
}

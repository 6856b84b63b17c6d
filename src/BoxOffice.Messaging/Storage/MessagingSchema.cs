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
        new Migration(2, "broker transport: trace context, relay position and lease, inbox",
            // trace_parent: the W3C trace context of the transaction that appended the event, for the broker's headers.
            // relay_state: how far the relay has published this log (confirmed by the broker), and who may publish it.
            // inbox: the broker deliveries a consumer has applied, so a duplicate delivery is dropped.
            """
            ALTER TABLE event_log ADD COLUMN trace_parent TEXT NULL;
            CREATE TABLE relay_state (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                position BIGINT NOT NULL,
                owner TEXT NULL,
                lease_until BIGINT NOT NULL,
                updated_at BIGINT NOT NULL);
            INSERT INTO relay_state (id, position, owner, lease_until, updated_at) VALUES (1, 0, NULL, 0, 0);
            CREATE TABLE inbox (
                consumer TEXT NOT NULL,
                event_id TEXT NOT NULL,
                source TEXT NOT NULL,
                seq BIGINT NOT NULL,
                occurred_at BIGINT NOT NULL,
                PRIMARY KEY (consumer, event_id));
            CREATE INDEX inbox_by_time ON inbox (occurred_at);
            """),
    ]);
}

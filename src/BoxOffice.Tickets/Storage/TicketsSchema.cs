using BoxOffice.Messaging.Storage;

namespace BoxOffice.Tickets.Storage;

internal static class TicketsSchema
{
    public static MigrationSet Migrations { get; } = new("tickets",
    [
        new Migration(1, "catalog, reservations and tickets",
            // Times are unix milliseconds (UTC). held + sold <= capacity is also a CHECK: the last
            // line of defence against overselling, whatever a bug upstream does.
            """
            CREATE TABLE events (
                id TEXT PRIMARY KEY,
                organizer_id TEXT NOT NULL,
                name TEXT NOT NULL,
                venue TEXT NOT NULL,
                city TEXT NOT NULL,
                category TEXT NOT NULL,
                performers TEXT NOT NULL,
                starts_at BIGINT NOT NULL,
                minimum_age INTEGER NOT NULL,
                description TEXT NOT NULL,
                created_at BIGINT NOT NULL);
            CREATE INDEX events_by_start ON events (starts_at);
            CREATE TABLE ticket_types (
                id TEXT PRIMARY KEY,
                event_id TEXT NOT NULL REFERENCES events (id),
                name TEXT NOT NULL,
                price BIGINT NOT NULL,
                currency TEXT NOT NULL,
                capacity INTEGER NOT NULL,
                held INTEGER NOT NULL DEFAULT 0,
                sold INTEGER NOT NULL DEFAULT 0,
                max_per_order INTEGER NOT NULL,
                position INTEGER NOT NULL,
                CHECK (held >= 0 AND sold >= 0 AND held + sold <= capacity));
            CREATE INDEX ticket_types_by_event ON ticket_types (event_id, position);
            CREATE TABLE reservations (
                id TEXT PRIMARY KEY,
                user_id TEXT NOT NULL,
                event_id TEXT NOT NULL,
                ticket_type_id TEXT NOT NULL,
                quantity INTEGER NOT NULL,
                amount BIGINT NOT NULL,
                currency TEXT NOT NULL,
                status TEXT NOT NULL,
                payment_status TEXT NOT NULL,
                challenge_url TEXT NULL,
                failure_reason TEXT NULL,
                refund_requested_at BIGINT NULL,
                expires_at BIGINT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                idempotency_key TEXT NULL,
                request_hash TEXT NULL);
            CREATE INDEX reservations_by_buyer ON reservations (user_id, event_id, status);
            CREATE INDEX reservations_pending_by_expiry ON reservations (expires_at) WHERE status = 'Pending';
            CREATE UNIQUE INDEX reservations_by_idempotency_key ON reservations (user_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
            CREATE TABLE tickets (
                code TEXT PRIMARY KEY,
                reservation_id TEXT NOT NULL,
                user_id TEXT NOT NULL,
                event_id TEXT NOT NULL,
                ticket_type_id TEXT NOT NULL,
                created_at BIGINT NOT NULL);
            CREATE INDEX tickets_by_owner ON tickets (user_id);
            CREATE INDEX tickets_by_reservation ON tickets (reservation_id);
            """),
        new Migration(2, "closed accounts, whose tokens may no longer write",
            "CREATE TABLE closed_accounts (user_id TEXT PRIMARY KEY, closed_at BIGINT NOT NULL);"),
        new Migration(3, "an event's sales at a glance (the organizer's live view)",
            """
            CREATE INDEX reservations_by_event ON reservations (event_id, status);
            CREATE INDEX tickets_by_event ON tickets (event_id, created_at);
            """),
    ]);
}

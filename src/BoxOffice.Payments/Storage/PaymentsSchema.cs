using BoxOffice.Messaging.Storage;

namespace BoxOffice.Payments.Storage;

/// <summary>The Payments module's tables in the <c>payments</c> database.</summary>
internal static class PaymentsSchema
{
    public const string Database = "payments";

    public static MigrationSet Migrations { get; } = new("payments",
    [
        // Ids are TEXT ("D" format) and times unix milliseconds, as in the messaging tables. The
        // reservation id is the key: one payment per reservation, whatever arrives twice.
        new Migration(1, "payments",
            """
            CREATE TABLE payments (
                reservation_id TEXT PRIMARY KEY,
                payment_id TEXT NOT NULL UNIQUE,
                user_id TEXT NOT NULL,
                amount BIGINT NOT NULL,
                currency TEXT NOT NULL,
                token TEXT NOT NULL,
                status TEXT NOT NULL,
                intent_id TEXT NULL,
                challenge_url TEXT NULL,
                failure_reason TEXT NULL,
                attempts INTEGER NOT NULL,
                next_attempt_at BIGINT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL);
            CREATE INDEX payments_due ON payments (next_attempt_at);
            """),
    ]);
}

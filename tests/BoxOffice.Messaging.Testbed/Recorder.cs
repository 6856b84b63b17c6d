using BoxOffice.Messaging.Consuming;
using BoxOffice.Messaging.EventLog;
using BoxOffice.Messaging.Storage;

namespace BoxOffice.Messaging.Testbed;

/// <summary>
/// A consumer's state that shows exactly-once effects: one row per applied event (no unique key,
/// so a duplicate would show) and a running count and sum per consumer.
/// </summary>
internal static class Recorder
{
    public static MigrationSet Schema { get; } = new("recorder",
    [
        new Migration(1, "applied events and totals", """
            CREATE TABLE applied (
                consumer TEXT NOT NULL,
                seq BIGINT NOT NULL,
                event_id TEXT NOT NULL,
                type TEXT NOT NULL,
                n BIGINT NULL,
                key TEXT NULL);
            CREATE TABLE totals (
                consumer TEXT PRIMARY KEY,
                count BIGINT NOT NULL,
                sum BIGINT NOT NULL);
            """),
    ]);

    public static async ValueTask RecordAsync(ConsumeContext context, long? n, string? key, CancellationToken ct)
    {
        await context.Command("INSERT INTO applied (consumer, seq, event_id, type, n, key) VALUES (@consumer, @seq, @event_id, @type, @n, @key)")
            .With("@consumer", context.Consumer).With("@seq", context.Sequence).With("@event_id", context.Envelope.EventId.ToString())
            .With("@type", context.Envelope.Type).With("@n", n).With("@key", key)
            .ExecuteNonQueryAsync(ct);
        await context.Command("""
                INSERT INTO totals (consumer, count, sum) VALUES (@consumer, 1, @n)
                ON CONFLICT (consumer) DO UPDATE SET count = totals.count + 1, sum = totals.sum + excluded.sum
                """)
            .With("@consumer", context.Consumer).With("@n", n ?? 0).ExecuteNonQueryAsync(ct);
    }
}

internal sealed class RecordCounted : IEventHandler<Counted>
{
    public ValueTask HandleAsync(Counted @event, ConsumeContext context, CancellationToken cancellationToken) =>
        Recorder.RecordAsync(context, @event.N, @event.Key, cancellationToken);
}

internal sealed class RecordNoted : IEventHandler<Noted>
{
    public ValueTask HandleAsync(Noted @event, ConsumeContext context, CancellationToken cancellationToken) =>
        Recorder.RecordAsync(context, null, @event.Text, cancellationToken);
}

/// <summary>Forgets everything a consumer recorded, for a replay from the beginning.</summary>
internal sealed class ForgetRecorded : IConsumerReset
{
    public async ValueTask ResetAsync(string consumer, ReplayFrom from, ServiceTransaction transaction, CancellationToken cancellationToken)
    {
        if (from is not ReplayFrom.BeginningPoint)
        {
            throw new NotSupportedException("The recorder only rebuilds from the beginning.");
        }

        await transaction.Command("DELETE FROM applied WHERE consumer = @consumer").With("@consumer", consumer).ExecuteNonQueryAsync(cancellationToken);
        await transaction.Command("DELETE FROM totals WHERE consumer = @consumer").With("@consumer", consumer).ExecuteNonQueryAsync(cancellationToken);
    }
}

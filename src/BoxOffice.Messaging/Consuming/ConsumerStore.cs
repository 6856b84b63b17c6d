using System.Data.Common;
using System.Globalization;
using BoxOffice.Messaging.EventLog;
using BoxOffice.Messaging.Storage;

namespace BoxOffice.Messaging.Consuming;

/// <summary>The SQL for a consumer's cursors and dead letters, kept in the consumer's own database.</summary>
internal static class ConsumerStore
{
    private const string SaveCursorSql = """
        INSERT INTO consumer_cursors (consumer, source, position, updated_at) VALUES (@consumer, @source, @position, @at)
        ON CONFLICT (consumer, source) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at
        """;

    public static async Task<long?> LoadCursorAsync(ServiceTransaction tx, string consumer, string source, CancellationToken ct)
    {
        var value = await tx.Command("SELECT position FROM consumer_cursors WHERE consumer = @consumer AND source = @source")
            .With("@consumer", consumer).With("@source", source).ExecuteScalarAsync(ct);
        return value is null or DBNull ? null : Convert.ToInt64(value, CultureInfo.InvariantCulture);
    }

    public static Task SaveCursorAsync(ServiceTransaction tx, string consumer, string source, long position, CancellationToken ct) =>
        tx.Command(SaveCursorSql)
            .With("@consumer", consumer).With("@source", source).With("@position", position)
            .With("@at", tx.Database.Time.GetUtcNow().ToUnixTimeMilliseconds())
            .ExecuteNonQueryAsync(ct);

    public static Task AddDeadLetterAsync(ServiceTransaction tx, string consumer, StoredEvent stored, int attempts, Exception error, CancellationToken ct)
    {
        var e = stored.Envelope;
        return tx.Command("""
                INSERT INTO dead_letters (consumer, source, seq, event_id, type, occurred_at, correlation_id, causation_id, payload, error, attempts, dead_at)
                VALUES (@consumer, @source, @seq, @event_id, @type, @occurred_at, @correlation_id, @causation_id, @payload, @error, @attempts, @dead_at)
                """)
            .With("@consumer", consumer).With("@source", e.Source).With("@seq", stored.Sequence)
            .With("@event_id", e.EventId.ToString()).With("@type", e.Type).With("@occurred_at", e.OccurredAt.ToUnixTimeMilliseconds())
            .With("@correlation_id", e.CorrelationId?.ToString()).With("@causation_id", e.CausationId?.ToString())
            .With("@payload", e.Payload).With("@error", error.ToString()).With("@attempts", attempts)
            .With("@dead_at", tx.Database.Time.GetUtcNow().ToUnixTimeMilliseconds())
            .ExecuteNonQueryAsync(ct);
    }

    public static async Task<long> HeadAsync(ServiceDatabase source, CancellationToken ct)
    {
        await using var connection = await source.OpenReadAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT last_seq FROM event_log_head WHERE id = 1";
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }

    /// <summary>The position just before the first event at or after <paramref name="at"/> (the head if none).</summary>
    public static async Task<long> PositionBeforeAsync(ServiceDatabase source, DateTimeOffset at, CancellationToken ct)
    {
        await using var connection = await source.OpenReadAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT COALESCE((SELECT MIN(seq) - 1 FROM event_log WHERE occurred_at >= @at),
                            (SELECT last_seq FROM event_log_head WHERE id = 1))
            """;
        command.With("@at", at.ToUnixTimeMilliseconds());
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }

    public static DeadLetter ReadDeadLetter(DbDataReader r) => new(
        Id: r.GetInt64(0),
        Consumer: r.GetString(1),
        Source: r.GetString(2),
        Sequence: r.GetInt64(3),
        EventId: Guid.Parse(r.GetString(4)),
        Type: r.GetString(5),
        OccurredAt: DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(6)),
        CorrelationId: r.IsDBNull(7) ? null : Guid.Parse(r.GetString(7)),
        CausationId: r.IsDBNull(8) ? null : Guid.Parse(r.GetString(8)),
        Payload: r.GetString(9),
        Error: r.GetString(10),
        Attempts: r.GetInt32(11),
        DeadAt: DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(12)),
        RedrivenAt: r.IsDBNull(13) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(13)));

    public const string DeadLetterColumns =
        "id, consumer, source, seq, event_id, type, occurred_at, correlation_id, causation_id, payload, error, attempts, dead_at, redriven_at";
}

/// <summary>An event a consumer gave up on after its bounded attempts.</summary>
/// <param name="Id">The dead letter's id, for redrive.</param>
/// <param name="Consumer">The consumer that failed.</param>
/// <param name="Source">The producing service.</param>
/// <param name="Sequence">The event's position in the producer's log.</param>
/// <param name="EventId">The event id.</param>
/// <param name="Type">The wire name.</param>
/// <param name="OccurredAt">When the event occurred.</param>
/// <param name="CorrelationId">Its correlation id.</param>
/// <param name="CausationId">Its causation id.</param>
/// <param name="Payload">The event's JSON.</param>
/// <param name="Error">The last error.</param>
/// <param name="Attempts">How many times it was tried.</param>
/// <param name="DeadAt">When it was given up on.</param>
/// <param name="RedrivenAt">When a redrive applied it, if one has.</param>
public sealed record DeadLetter(
    long Id,
    string Consumer,
    string Source,
    long Sequence,
    Guid EventId,
    string Type,
    DateTimeOffset OccurredAt,
    Guid? CorrelationId,
    Guid? CausationId,
    string Payload,
    string Error,
    int Attempts,
    DateTimeOffset DeadAt,
    DateTimeOffset? RedrivenAt);

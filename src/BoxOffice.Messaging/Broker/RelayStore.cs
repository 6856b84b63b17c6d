using System.Globalization;
using BoxOffice.Messaging.EventLog;
using BoxOffice.Messaging.Storage;

namespace BoxOffice.Messaging.Broker;

/// <summary>Where a log's relay stands: its confirmed position and who holds the lease.</summary>
internal sealed record RelayState(long Position, string? Owner, long LeaseUntil);

/// <summary>The SQL of a relay: reading its log, the relayed position and the lease, in the producer's database.</summary>
internal static class RelayStore
{
    public static async Task<RelayState> StateAsync(ServiceDatabase database, CancellationToken ct)
    {
        await using var connection = await database.OpenReadAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT position, owner, lease_until FROM relay_state WHERE id = 1";
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new RelayState(reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetInt64(2));
    }

    /// <summary>
    /// Takes the lease, or renews it, unless another owner holds one that has not run out.
    /// </summary>
    /// <returns>True when <paramref name="owner"/> holds the lease until <paramref name="until"/>.</returns>
    public static async Task<bool> TryHoldAsync(ServiceDatabase database, string owner, long now, long until, CancellationToken ct)
    {
        await using var tx = await database.BeginAsync(ct);
        var rows = await tx.Command("""
                UPDATE relay_state SET owner = @owner, lease_until = @until, updated_at = @now
                WHERE id = 1 AND (owner = @owner OR owner IS NULL OR lease_until < @now)
                """)
            .With("@owner", owner).With("@until", until).With("@now", now).ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        return rows == 1;
    }

    /// <summary>
    /// Records that the broker confirmed every event up to <paramref name="position"/>, renewing the
    /// lease; false (nothing written) when the lease was lost meanwhile — the fence that keeps a relay
    /// that paused past its lease from moving a position it no longer owns.
    /// </summary>
    public static async Task<bool> MarkAsync(ServiceDatabase database, string owner, long position, long now, long until, CancellationToken ct)
    {
        await using var tx = await database.BeginAsync(ct);
        var rows = await tx.Command("""
                UPDATE relay_state SET position = @position, lease_until = @until, updated_at = @now
                WHERE id = 1 AND owner = @owner
                """)
            .With("@position", position).With("@until", until).With("@now", now).With("@owner", owner).ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        return rows == 1;
    }

    /// <summary>Gives the lease up at once (a clean stop), so another process takes over without waiting for it to run out.</summary>
    public static async Task ReleaseAsync(ServiceDatabase database, string owner, CancellationToken ct)
    {
        await using var tx = await database.BeginAsync(ct);
        await tx.Command("UPDATE relay_state SET lease_until = 0 WHERE id = 1 AND owner = @owner").With("@owner", owner).ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// Up to <paramref name="limit"/> events after <paramref name="after"/>, in sequence order, of
    /// the given stored types (every type when null). Sequence numbers are handed out in commit order
    /// under the write lock, so a read that sees N has seen everything before N: nothing is skipped.
    /// </summary>
    public static async Task<List<RelayedEvent>> ReadAsync(ServiceDatabase database, long after, int limit, IReadOnlyList<string>? types, CancellationToken ct)
    {
        await using var connection = await database.OpenReadAsync(ct);
        await using var command = connection.CreateCommand();
        var filter = types is null
            ? string.Empty
            : " AND type IN (" + string.Join(", ", types.Select((_, i) => "@t" + i.ToString(CultureInfo.InvariantCulture))) + ")";
        command.CommandText = $"""
            SELECT seq, event_id, type, occurred_at, correlation_id, causation_id, payload, trace_parent
            FROM event_log WHERE seq > @after{filter} ORDER BY seq LIMIT {limit.ToString(CultureInfo.InvariantCulture)}
            """;
        command.With("@after", after);
        for (var i = 0; types is not null && i < types.Count; i++)
        {
            command.With("@t" + i.ToString(CultureInfo.InvariantCulture), types[i]);
        }

        var events = new List<RelayedEvent>(Math.Min(limit, 256));
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            events.Add(new RelayedEvent(EventLogReader.Map(reader), reader.IsDBNull(7) ? null : reader.GetString(7)));
        }

        return events;
    }
}

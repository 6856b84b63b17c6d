using System.Data.Common;
using System.Globalization;
using BoxOffice.Contracts;
using BoxOffice.Messaging.Consuming;
using BoxOffice.Messaging.Storage;

namespace BoxOffice.Messaging.EventLog;

/// <summary>An event as stored in its service's log.</summary>
/// <param name="Sequence">Its position in the log (gap-free, from 1).</param>
/// <param name="Envelope">The event (upcast to its latest version once read for a consumer).</param>
/// <param name="UpcastFailure">Why upcasting it failed, if it did: it then fails in its handler's place.</param>
internal sealed record StoredEvent(long Sequence, EventEnvelope Envelope, Exception? UpcastFailure = null);

/// <summary>The events of interest after a position, and where the next read starts.</summary>
internal sealed record LogBatch(IReadOnlyList<StoredEvent> Events, long NextPosition);

/// <summary>
/// Reads one service's log for one subscription, in batches, on its own connection: the handled
/// types and their older versions, each upcast to the version its handler takes.
/// </summary>
internal sealed class EventLogReader(ServiceDatabase source, IReadOnlyList<string> handledTypes, int batchSize, Upcasters upcasters) : IAsyncDisposable
{
    private readonly IReadOnlyList<string> _types = upcasters.StoredTypesFor(handledTypes);
    private DbConnection? _connection;
    private DbCommand? _head;
    private DbCommand? _select;

    public ServiceDatabase Source => source;

    public async Task<LogBatch> ReadAsync(long after, CancellationToken ct)
    {
        try
        {
            return await ReadOnceAsync(after, ct);
        }
        finally
        {
            // SQLite keeps its reader connection and prepared statements; on PostgreSQL the
            // connection goes back to the pool (the server prepares the statements per physical
            // connection), so a process's subscriptions share a few connections instead of one each.
            if (source.Provider == Storage.StorageProvider.Postgres)
            {
                await DisposeAsync();
            }
        }
    }

    private async Task<LogBatch> ReadOnceAsync(long after, CancellationToken ct)
    {
        var connection = await ConnectionAsync(ct);
        // One read transaction: the head and the rows come from the same snapshot, so when fewer
        // than a batch of matching events lie between the cursor and the head, the cursor can move
        // to the head without skipping anything a later commit could still add below it.
        await using var snapshot = source.Provider == Storage.StorageProvider.Postgres
            ? await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct)
            : await connection.BeginTransactionAsync(ct);
        _head!.Transaction = snapshot;
        var head = Convert.ToInt64(await _head.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        if (head <= after)
        {
            return new LogBatch([], after);
        }

        _select!.Transaction = snapshot;
        _select.Parameters["@after"].Value = after;
        _select.Parameters["@head"].Value = head;
        var events = new List<StoredEvent>(Math.Min(batchSize, 256));
        await using (var reader = await _select.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                events.Add(Map(reader));
            }
        }

        await snapshot.CommitAsync(ct);
        // After the snapshot ends: an upcaster may cost real time (sealing a token), and the
        // filter already matched the type each event will have once upcast.
        for (var i = 0; i < events.Count; i++)
        {
            events[i] = upcasters.Apply(events[i]);
        }

        var next = events.Count == batchSize ? events[^1].Sequence : head;
        return new LogBatch(events, next);
    }

    internal static StoredEvent Map(DbDataReader reader) => new(
        reader.GetInt64(0),
        new EventEnvelope(
            Guid.Parse(reader.GetString(1)),
            reader.GetString(2),
            DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
            reader.IsDBNull(4) ? null : Guid.Parse(reader.GetString(4)),
            reader.IsDBNull(5) ? null : Guid.Parse(reader.GetString(5)),
            reader.GetString(6)));

    private async Task<DbConnection> ConnectionAsync(CancellationToken ct)
    {
        if (_connection is not null)
        {
            return _connection;
        }

        var connection = await source.OpenReadAsync(ct);
        _head = connection.CreateCommand();
        _head.CommandText = "SELECT last_seq FROM event_log_head WHERE id = 1";

        var typeParameters = string.Join(", ", _types.Select((_, i) => "@t" + i.ToString(CultureInfo.InvariantCulture)));
        _select = connection.CreateCommand();
        _select.CommandText = $"""
            SELECT seq, event_id, type, occurred_at, correlation_id, causation_id, payload
            FROM event_log
            WHERE seq > @after AND seq <= @head AND type IN ({typeParameters})
            ORDER BY seq
            LIMIT {batchSize.ToString(CultureInfo.InvariantCulture)}
            """;
        _select.With("@after", 0L).With("@head", 0L);
        for (var i = 0; i < _types.Count; i++)
        {
            _select.With("@t" + i.ToString(CultureInfo.InvariantCulture), _types[i]);
        }

        _connection = connection;
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        if (_head is not null)
        {
            await _head.DisposeAsync();
            _head = null;
        }

        if (_select is not null)
        {
            await _select.DisposeAsync();
            _select = null;
        }

        if (_connection is not null)
        {
            await _connection.DisposeAsync();
            _connection = null;
        }
    }
}

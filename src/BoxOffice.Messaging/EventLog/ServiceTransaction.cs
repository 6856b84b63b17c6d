using System.Data.Common;
using System.Diagnostics;
using System.Text.Json;
using BoxOffice.Contracts;
using BoxOffice.Messaging.Deciding;
using BoxOffice.Messaging.Storage;

namespace BoxOffice.Messaging.EventLog;

/// <summary>
/// A write transaction on a service's database. State changes made through it and the events
/// published with <see cref="Publish{T}"/> commit together or not at all: the outbox is the
/// service's event log, appended in the same transaction as the change that caused the events.
/// </summary>
public sealed class ServiceTransaction : IAsyncDisposable
{
    private readonly ServiceDatabase _database;
    private readonly DbConnection _connection;
    private readonly DbTransaction _transaction;
    private List<EventEnvelope>? _pending;
    private List<string?>? _traceParents;
    private List<Action>? _onCommitted;
    private readonly GatheredWrites _gathered = new();
    private bool _finished;
    private bool _released;
    private bool _transactionReleased;

    internal ServiceTransaction(ServiceDatabase database, DbConnection connection, DbTransaction transaction)
    {
        _database = database;
        _connection = connection;
        _transaction = transaction;
    }

    /// <summary>
    /// The trace the events published next were caused in, when it is not the current
    /// <see cref="Activity"/>'s: the group commit publishes each request's events under its caller's.
    /// </summary>
    internal string? TraceParent { get; set; }

    /// <summary>The database this transaction writes to.</summary>
    public ServiceDatabase Database => _database;

    /// <summary>The connection, for commands and libraries that take one.</summary>
    public DbConnection Connection => _connection;

    /// <summary>The ADO.NET transaction every command must join.</summary>
    public DbTransaction Transaction => _transaction;

    /// <summary>
    /// Whether <see cref="StatementBatch.WriteAsync"/> holds writes back for the next round trip
    /// (PostgreSQL only; on SQLite a statement costs no round trip). Set by a consumer for the
    /// batch it applies.
    /// </summary>
    internal bool GathersWrites
    {
        get => _gathered.Enabled;
        set => _gathered.Enabled = value && _database.Dialect.Provider == StorageProvider.Postgres;
    }

    /// <summary>Whether writes are held, not yet sent (see <see cref="GathersWrites"/>).</summary>
    internal bool HoldsWrites => _gathered.Count > 0;

    /// <summary>
    /// A command in this transaction, empty of parameters. Commands are cached by their SQL text so
    /// a statement run for every event in a batch is prepared once. While the transaction gathers
    /// writes, the command sends the held writes first, in its own round trip, so it reads them.
    /// </summary>
    public DbCommand Command(string sql)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        if (!_gathered.Enabled)
        {
            return CachedCommand(sql);
        }

        var command = _database.Dialect.CommandAfter(_gathered, _connection, sql);
        command.Transaction = _transaction;
        return command;
    }

    private DbCommand CachedCommand(string sql)
    {
        var command = _database.CachedCommand(sql);
        command.Parameters.Clear();
        command.Transaction = _transaction;
        return command;
    }

    /// <summary>Statements to send together (one round trip on PostgreSQL); see <see cref="StatementBatch"/>.</summary>
    public StatementBatch Batch()
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        return new StatementBatch(this);
    }

    internal async Task<int[]> ExecuteBatchAsync(IReadOnlyList<StatementBatch.Statement> statements, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        if (_gathered.Count == 0)
        {
            return await _database.Dialect.ExecuteBatchAsync(_connection, _transaction, statements, CachedCommand, ct);
        }

        // The held writes go first, in the same round trip.
        var held = _gathered.Take();
        var affected = await _database.Dialect.ExecuteBatchAsync(_connection, _transaction, [.. held, .. statements], CachedCommand, ct);
        return affected[held.Count..];
    }

    internal void Gather(IReadOnlyList<StatementBatch.Statement> statements)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        _gathered.Add(statements);
    }

    /// <summary>
    /// Appends an event to this service's log when the transaction commits. The event must belong to
    /// this service (its wire name starts with the database's name). Its trace context is
    /// <see cref="System.Diagnostics.Activity.Current"/> at this call, not at the commit: the group
    /// commit publishes each request's events under that request's activity, many requests per commit.
    /// </summary>
    /// <returns>The new event's id.</returns>
    public Guid Publish<T>(T @event, Guid? correlationId = null, Guid? causationId = null)
        where T : IEvent<T>
    {
        ArgumentNullException.ThrowIfNull(@event);
        ObjectDisposedException.ThrowIf(_finished, this);
        var source = EventEnvelope.SourceOf(T.WireName);
        if (!string.Equals(source, _database.Name, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"'{T.WireName}' belongs to the log of '{source}'; this transaction writes to '{_database.Name}'.");
        }

        var now = _database.Time.GetUtcNow();
        var envelope = new EventEnvelope(
            Guid.CreateVersion7(now),
            T.WireName,
            now,
            correlationId,
            causationId,
            JsonSerializer.Serialize(@event, T.JsonTypeInfo));
        (_pending ??= []).Add(envelope);
        // The trace the event was caused in, carried to the broker's headers by the relay. Read once
        // per event from what is already there: null (no allocation) when nothing traces.
        (_traceParents ??= []).Add(TraceParent ?? Activity.Current?.Id);
        return envelope.EventId;
    }

    /// <summary>
    /// Writes a decision: each change through <paramref name="writer"/>, in order, then publishes its
    /// events, all in this transaction.
    /// </summary>
    public async Task ApplyAsync<TChange>(
        Decision<TChange> decision, IChangeWriter<TChange> writer, Guid? correlationId = null, Guid? causationId = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(writer);
        foreach (var change in decision.Changes)
        {
            await writer.WriteAsync(this, change, ct);
        }

        Publish(decision.Events, correlationId, causationId);
    }

    /// <summary>Publishes events a decision caused (see <see cref="Publish{T}"/>).</summary>
    public void Publish(IEnumerable<Outgoing> events, Guid? correlationId = null, Guid? causationId = null)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var e in events)
        {
            e.PublishTo(this, correlationId, causationId);
        }
    }

    /// <summary>
    /// Runs <paramref name="callback"/> after the transaction commits (never if it rolls back): a
    /// wake-up for in-process work that the committed state makes due, not a place for I/O that
    /// must not be lost.
    /// </summary>
    public void OnCommitted(Action callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        ObjectDisposedException.ThrowIf(_finished, this);
        (_onCommitted ??= []).Add(callback);
    }

    /// <summary>Appends the published events to the log and commits everything.</summary>
    public async Task CommitAsync(CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        var appended = _pending is { Count: > 0 };
        try
        {
            if (appended)
            {
                await EventLogWriter.AppendAsync(this, _pending!, _traceParents!, ct);
            }

            if (_gathered.Count > 0)
            {
                await ExecuteBatchAsync([], ct);
            }

            await _transaction.CommitAsync(ct);
        }
        catch (Exception ex)
        {
            // SQLite refuses a full disk here, when the commit writes the WAL: said once, not per caller.
            _database.Space.Refused(ex, _database.Name);
            throw;
        }

        _finished = true;
        _database.Space.Wrote(_database.Name);
        // Disposed before the lock is released: Npgsql recycles a connection's transaction object,
        // so disposing it after the next writer began would dispose that writer's transaction.
        await ReleaseTransactionAsync();
        Release();
        if (appended)
        {
            _database.Appended.Notify();
            _database.Metrics?.Appended(_database.Name, _pending!.Count);
        }

        if (_onCommitted is not null)
        {
            foreach (var callback in _onCommitted)
            {
                try
                {
                    callback();
                }
                catch (Exception ex)
                {
                    // The transaction is committed: throwing now would make a caller retry work that is
                    // already done (a consumer would apply its batch twice). A wake-up that failed is
                    // covered by the fallback polls; it is logged and nothing else.
                    _database.LogCallbackFailed(ex);
                }
            }
        }
    }

    /// <summary>Rolls back unless committed, and frees the database for the next writer.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_finished)
        {
            _finished = true;
            try
            {
                await _transaction.RollbackAsync();
            }
            catch (Exception ex) when (ex is DbException or InvalidOperationException)
            {
                // The store may already have rolled back (an I/O error, a lost connection); nothing is kept either way.
            }
        }

        await ReleaseTransactionAsync();
        Release();
    }

    private async ValueTask ReleaseTransactionAsync()
    {
        if (!_transactionReleased)
        {
            _transactionReleased = true;
            await _transaction.DisposeAsync();
        }
    }

    private void Release()
    {
        if (!_released)
        {
            _released = true;
            _database.ReleaseWriteLock();
        }
    }
}

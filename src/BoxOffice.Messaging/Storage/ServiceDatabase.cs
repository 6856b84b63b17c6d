using System.Data;
using System.Data.Common;
using BoxOffice.Messaging.EventLog;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BoxOffice.Messaging.Storage;

/// <summary>
/// One service's own database (a SQLite file embedded, a PostgreSQL database when
/// <c>BoxOffice:Storage</c> is <c>Postgres</c>): its state, its event log, and the cursors and dead
/// letters of the consumers it hosts. All writes go through <see cref="BeginAsync"/>, one at a time.
/// </summary>
public sealed partial class ServiceDatabase : IAsyncDisposable
{
    // One writer at a time, in process as well as in the database. Queueing writers here is fair and
    // wakes the next one at once; the store's own lock (SQLite's busy handler, PostgreSQL's advisory
    // lock) then only ever waits for writers in other processes.
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Dictionary<string, DbCommand> _commands = new(StringComparer.Ordinal);
    private readonly StorageDialect _dialect;
    private DbConnection? _writer;
    private bool _opened;
    private bool _readable;

    private readonly ILogger _logger;

    internal ServiceDatabase(string name, IReadOnlyList<MigrationSet> migrations, MessagingOptions options, TimeProvider time, ILogger? logger = null)
    {
        _logger = logger ?? NullLogger.Instance;
        Name = name;
        Migrations = migrations;
        Time = time;
        _dialect = options.Storage switch
        {
            StorageProvider.Sqlite => new SqliteDialect(name, options),
            StorageProvider.Postgres => new PostgresDialect(name, options),
            _ => throw new InvalidOperationException($"Unknown storage provider '{options.Storage}'."),
        };
    }

    /// <summary>The service's name; also the prefix of the wire names of the events it publishes.</summary>
    public string Name { get; }

    /// <summary>The store this database is on.</summary>
    public StorageProvider Provider => _dialect.Provider;

    /// <summary>Where the database lives: the SQLite file's path, or the PostgreSQL server and database.</summary>
    public string Location => _dialect.Location;

    /// <summary>
    /// A connection string to this database, for a library that opens its own connections (EF Core).
    /// Its writes must still take the write lock: see <see cref="WriteLockSql"/>.
    /// </summary>
    public string ConnectionString => _dialect.ConnectionString;

    /// <summary>
    /// The statement that takes this database's write lock inside a transaction opened outside the
    /// core (EF Core's), or null where beginning a transaction already takes it (SQLite's
    /// <c>BEGIN IMMEDIATE</c>).
    /// </summary>
    public string? WriteLockSql => _dialect is PostgresDialect ? PostgresWriteLockSql : null;

    /// <summary>
    /// Takes a PostgreSQL service database's write lock until the transaction ends: an advisory lock,
    /// scoped to the database, that every writer of every process takes first.
    /// </summary>
    public const string PostgresWriteLockSql = "SELECT pg_advisory_xact_lock(4786389873062504803)";

    internal IReadOnlyList<MigrationSet> Migrations { get; }

    internal TimeProvider Time { get; }

    internal StorageDialect Dialect => _dialect;

    /// <summary>Completes each time a transaction that appended events commits.</summary>
    internal Signal Appended { get; } = new();

    /// <summary>The process's watch over its storage: told of every commit and of every write refused for lack of space.</summary>
    internal StorageSpace Space { get; init; } = StorageSpace.Unwatched();

    /// <summary>Where commits are counted (<c>BoxOffice.Messaging</c>); null for a database made outside a host.</summary>
    internal Operations.MessagingMetrics? Metrics { get; init; }

    internal async Task OpenAsync(CancellationToken ct)
    {
        await _dialect.OpenAsync(ct);
        _writer = await _dialect.OpenWriterAsync(ct);
        _opened = true;
        _readable = true;
    }

    /// <summary>
    /// Opens this database for reading only, as it is: no database or file is created, no migration
    /// runs, no write is possible (<see cref="BeginAsync"/> still refuses). For a tool that inspects a
    /// deployment's stores from outside its processes (the invariant check); a database that does not
    /// exist fails at the first <see cref="OpenReadAsync"/>.
    /// </summary>
    public async Task OpenForReadingAsync(CancellationToken ct = default)
    {
        if (_readable)
        {
            return;
        }

        await _dialect.OpenExistingAsync(ct);
        _readable = true;
    }

    /// <summary>
    /// Starts a write transaction that holds this database's write lock until it commits or is
    /// disposed. Keep it short and never wait on anything slow (a remote call, a user) inside it.
    /// </summary>
    public async Task<ServiceTransaction> BeginAsync(CancellationToken ct = default)
    {
        if (!_opened)
        {
            throw new InvalidOperationException($"Database '{Name}' is not open yet: the messaging runtime has not started.");
        }

        await _writeLock.WaitAsync(ct);
        try
        {
            var writer = await WriterAsync(ct);
            var transaction = await _dialect.BeginWriteAsync(writer, ct);
            return new ServiceTransaction(this, writer, transaction);
        }
        catch
        {
            _writeLock.Release();
            throw;
        }
    }

    // Under the write lock. A connection lost with the server (a restart, a network blip) is replaced;
    // the transaction it carried rolled back, and its caller retries.
    private async Task<DbConnection> WriterAsync(CancellationToken ct)
    {
        if (_writer is { State: ConnectionState.Open })
        {
            return _writer;
        }

        await DisposeWriterAsync();
        _writer = await _dialect.OpenWriterAsync(ct);
        return _writer;
    }

    /// <summary>Opens a connection for reading; readers never wait for the writer.</summary>
    public Task<DbConnection> OpenReadAsync(CancellationToken ct = default)
    {
        if (!_readable)
        {
            throw new InvalidOperationException($"Database '{Name}' is not open yet.");
        }

        return _dialect.OpenReadAsync(ct);
    }

    internal DbCommand CachedCommand(string sql)
    {
        // Only called under the write lock. On SQLite a reused command keeps its prepared statement.
        // Npgsql prepares by SQL text on the connection (auto-prepare) and must not see a command's
        // parameters replaced after it was prepared, so on PostgreSQL each call gets a new command.
        if (_dialect.Provider == StorageProvider.Postgres)
        {
            var fresh = _writer!.CreateCommand();
            fresh.CommandText = sql;
            return fresh;
        }

        if (!_commands.TryGetValue(sql, out var command))
        {
            command = _writer!.CreateCommand();
            command.CommandText = sql;
            _commands.Add(sql, command);
        }

        return command;
    }

    internal void ReleaseWriteLock() => _writeLock.Release();

    [LoggerMessage(Level = LogLevel.Error, Message = "A callback after a commit failed; the commit stands")]
    internal partial void LogCallbackFailed(Exception error);

    private async Task DisposeWriterAsync()
    {
        foreach (var command in _commands.Values)
        {
            await command.DisposeAsync();
        }

        _commands.Clear();
        if (_writer is not null)
        {
            await _writer.DisposeAsync();
            _writer = null;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await DisposeWriterAsync();
        await _dialect.DisposeAsync();
        _opened = false;
        _readable = false;
        _writeLock.Dispose();
    }
}

using System.Data.Common;
using BoxOffice.Messaging.EventLog;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BoxOffice.Messaging.Storage;

/// <summary>
/// One service's own database (a SQLite file embedded): its state, its event log, and the cursors
/// and dead letters of the consumers it hosts. All writes go through <see cref="BeginAsync"/>.
/// </summary>
public sealed partial class ServiceDatabase : IAsyncDisposable
{
    // SQLite has one writer at a time. Queueing writers here, in process, is fair and wakes the
    // next one at once; SQLite's own busy handler would sleep and retry instead.
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private readonly MessagingOptions _options;
    private SqliteConnection? _writer;
    private string? _readConnectionString;

    private readonly ILogger _logger;

    internal ServiceDatabase(string name, IReadOnlyList<MigrationSet> migrations, MessagingOptions options, TimeProvider time, ILogger? logger = null)
    {
        _logger = logger ?? NullLogger.Instance;
        Name = name;
        Migrations = migrations;
        _options = options;
        Time = time;
        FilePath = Path.GetFullPath(Path.Combine(options.DataDirectory, name + ".db"));
    }

    /// <summary>The service's name; also the prefix of the wire names of the events it publishes.</summary>
    public string Name { get; }

    /// <summary>Where the database file lives.</summary>
    public string FilePath { get; }

    internal IReadOnlyList<MigrationSet> Migrations { get; }

    internal TimeProvider Time { get; }

    /// <summary>Completes each time a transaction that appended events commits.</summary>
    internal Signal Appended { get; } = new();

    internal async Task OpenAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        var timeout = (int)Math.Ceiling(_options.BusyTimeout.TotalSeconds);
        var writer = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = timeout,
        }.ToString());
        await writer.OpenAsync(ct);
        await using (var pragma = writer.CreateCommand())
        {
            var synchronous = _options.Durability == Durability.Full ? "FULL" : "NORMAL";
            pragma.CommandText = $"""
                PRAGMA journal_mode = WAL;
                PRAGMA synchronous = {synchronous};
                PRAGMA busy_timeout = {(long)_options.BusyTimeout.TotalMilliseconds};
                PRAGMA foreign_keys = ON;
                """;
            await pragma.ExecuteNonQueryAsync(ct);
        }

        _readConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = true,
            DefaultTimeout = timeout,
        }.ToString();
        _writer = writer;
    }

    /// <summary>
    /// Starts a write transaction (<c>BEGIN IMMEDIATE</c>): the caller holds this database's write
    /// lock until it commits or disposes. Keep it short and never wait on anything slow (a remote
    /// call, a user) inside it.
    /// </summary>
    public async Task<ServiceTransaction> BeginAsync(CancellationToken ct = default)
    {
        var writer = _writer ?? throw new InvalidOperationException($"Database '{Name}' is not open yet: the messaging runtime has not started.");
        await _writeLock.WaitAsync(ct);
        try
        {
            var transaction = writer.BeginTransaction(System.Data.IsolationLevel.Serializable, deferred: false);
            return new ServiceTransaction(this, writer, transaction);
        }
        catch
        {
            _writeLock.Release();
            throw;
        }
    }

    /// <summary>Opens a connection for reading; in WAL mode readers never wait for the writer.</summary>
    public async Task<DbConnection> OpenReadAsync(CancellationToken ct = default)
    {
        var connectionString = _readConnectionString ?? throw new InvalidOperationException($"Database '{Name}' is not open yet.");
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);
        return connection;
    }

    internal SqliteCommand CachedCommand(string sql)
    {
        // Only called under the write lock. A reused SqliteCommand keeps its prepared statements.
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

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
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

        _writeLock.Dispose();
    }
}

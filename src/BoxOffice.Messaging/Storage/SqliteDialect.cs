using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace BoxOffice.Messaging.Storage;

/// <summary>A service database in one SQLite file in WAL mode; one writer at a time (<c>BEGIN IMMEDIATE</c>).</summary>
internal sealed class SqliteDialect(string name, MessagingOptions options) : StorageDialect
{
    private readonly string _path = Path.GetFullPath(Path.Combine(options.DataDirectory, name + ".db"));
    private string? _readConnectionString;

    public override StorageProvider Provider => StorageProvider.Sqlite;

    public override string Location => _path;

    public override string ConnectionString => new SqliteConnectionStringBuilder
    {
        DataSource = _path,
        // The messaging runtime creates and migrates the file; others only ever open it.
        Mode = SqliteOpenMode.ReadWrite,
        DefaultTimeout = Timeout,
    }.ToString();

    private int Timeout => (int)Math.Ceiling(options.BusyTimeout.TotalSeconds);

    public override Task OpenAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        return OpenExistingAsync(ct);
    }

    // ReadWrite, not ReadWriteCreate: a reader never makes a file the runtime has not made.
    public override Task OpenExistingAsync(CancellationToken ct)
    {
        _readConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = true,
            DefaultTimeout = Timeout,
        }.ToString();
        return Task.CompletedTask;
    }

    public override async Task<DbConnection> OpenWriterAsync(CancellationToken ct)
    {
        var writer = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = Timeout,
        }.ToString());
        await writer.OpenAsync(ct);
        await using var pragma = writer.CreateCommand();
        var synchronous = options.Durability == Durability.Full ? "FULL" : "NORMAL";
        pragma.CommandText = $"""
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = {synchronous};
            PRAGMA busy_timeout = {(long)options.BusyTimeout.TotalMilliseconds};
            PRAGMA foreign_keys = ON;
            """;
        await pragma.ExecuteNonQueryAsync(ct);
        return writer;
    }

    // BEGIN IMMEDIATE takes SQLite's write lock at once (other processes wait up to the busy timeout).
    public override Task<DbTransaction> BeginWriteAsync(DbConnection writer, CancellationToken ct) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)writer).BeginTransaction(System.Data.IsolationLevel.Serializable, deferred: false));

    public override async Task<DbConnection> OpenReadAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_readConnectionString ?? throw new InvalidOperationException($"Database '{name}' is not open yet."));
        await connection.OpenAsync(ct);
        return connection;
    }

    // In process a round trip costs nothing: run the cached, prepared statements in turn.
    public override async Task<int[]> ExecuteBatchAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<StatementBatch.Statement> statements, Func<string, DbCommand> cached, CancellationToken ct)
    {
        var affected = new int[statements.Count];
        for (var i = 0; i < statements.Count; i++)
        {
            var command = cached(statements[i].Sql);
            statements[i].Bind(command);
            affected[i] = await command.ExecuteNonQueryAsync(ct);
        }

        return affected;
    }

    public override string MigrationSql(Migration migration) => migration.Sql;

    /// <summary>
    /// Pooled connections keep the file open after the database is disposed: this lets go of this
    /// file's pools (the readers' and the one <see cref="ConnectionString"/> gives, say to EF Core), and only
    /// those, so another host's pools in the same process are left alone.
    /// </summary>
    public override ValueTask DisposeAsync()
    {
        foreach (var pooled in new[] { _readConnectionString, ConnectionString })
        {
            if (pooled is not null)
            {
                using var connection = new SqliteConnection(pooled);
                SqliteConnection.ClearPool(connection);
            }
        }

        return ValueTask.CompletedTask;
    }
}

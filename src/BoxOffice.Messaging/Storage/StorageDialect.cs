using System.Data.Common;

namespace BoxOffice.Messaging.Storage;

/// <summary>
/// What differs between the stores, owned by the messaging core so that handlers never see it:
/// how a database is created and opened, how a writer takes the database's write lock, and how
/// statements that go together are sent.
/// </summary>
internal abstract class StorageDialect : IAsyncDisposable
{
    public abstract StorageProvider Provider { get; }

    /// <summary>Where the database is, for logs and health: a file path or a database name.</summary>
    public abstract string Location { get; }

    /// <summary>A connection string to the database, for libraries that open their own connections (EF Core).</summary>
    public abstract string ConnectionString { get; }

    /// <summary>Creates the database when missing and prepares its connections.</summary>
    public abstract Task OpenAsync(CancellationToken ct);

    /// <summary>Prepares read connections to the database as it is, never creating it: opening one fails when it is missing.</summary>
    public abstract Task OpenExistingAsync(CancellationToken ct);

    /// <summary>Opens the connection the process writes with (one, held open, reopened when broken).</summary>
    public abstract Task<DbConnection> OpenWriterAsync(CancellationToken ct);

    /// <summary>Begins a write transaction on the writer that holds the database's write lock until it ends.</summary>
    public abstract Task<DbTransaction> BeginWriteAsync(DbConnection writer, CancellationToken ct);

    /// <summary>Opens a connection for reads (pooled); readers never wait for the writer.</summary>
    public abstract Task<DbConnection> OpenReadAsync(CancellationToken ct);

    /// <summary>Runs statements together in a transaction and returns the rows each changed.</summary>
    public abstract Task<int[]> ExecuteBatchAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<StatementBatch.Statement> statements, Func<string, DbCommand> cached, CancellationToken ct);

    /// <summary>
    /// A command on <paramref name="writer"/> that first sends the writes <paramref name="gathered"/>
    /// holds when it runs, so it sees them; only stores that gather writes are asked.
    /// </summary>
    public virtual DbCommand CommandAfter(GatheredWrites gathered, DbConnection writer, string sql) =>
        throw new NotSupportedException($"{Provider} does not gather writes.");

    /// <summary>A migration's text for this store.</summary>
    public abstract string MigrationSql(Migration migration);

    public abstract ValueTask DisposeAsync();
}

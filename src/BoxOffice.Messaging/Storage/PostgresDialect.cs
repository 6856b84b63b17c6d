using System.Data.Common;
using System.Text.RegularExpressions;
using Npgsql;

namespace BoxOffice.Messaging.Storage;

/// <summary>
/// A service database on PostgreSQL: its own database <c>{prefix}_{service}</c> on the configured
/// server, created when missing. Writers of every process serialise on a transaction-scoped advisory
/// lock taken first in each write transaction: the same one-writer-at-a-time rule as SQLite, which is
/// what keeps the event log's sequence gap-free and in commit order, and what lets handlers read then
/// write without lost updates. Group commit makes each of those transactions carry many requests.
/// </summary>
internal sealed partial class PostgresDialect : StorageDialect
{
    private readonly string _name;
    private readonly NpgsqlConnectionStringBuilder _server;
    private readonly NpgsqlConnectionStringBuilder _database;
    private NpgsqlDataSource? _dataSource;

    public PostgresDialect(string name, MessagingOptions options)
    {
        _name = name;
        if (string.IsNullOrWhiteSpace(options.PostgresConnectionString))
        {
            throw new InvalidOperationException(
                "BoxOffice:Storage is Postgres but ConnectionStrings:Postgres is not set (env ConnectionStrings__Postgres, "
                + "for example \"Host=127.0.0.1;Username=boxoffice;Password=...\").");
        }

        DatabaseName = options.DatabasePrefix + "_" + name;
        if (!DatabaseNamePattern().IsMatch(DatabaseName))
        {
            throw new InvalidOperationException(
                $"The PostgreSQL database name '{DatabaseName}' (BoxOffice:DatabasePrefix + '_' + service) must be lower-case letters, digits and underscores, at most 63 characters, starting with a letter.");
        }

        _server = new NpgsqlConnectionStringBuilder(options.PostgresConnectionString);
        _database = new NpgsqlConnectionStringBuilder(options.PostgresConnectionString)
        {
            Database = DatabaseName,
            ApplicationName = string.IsNullOrEmpty(_server.ApplicationName) ? "boxoffice-" + name : _server.ApplicationName,
        };
        // Statements run often (the writer's cached commands, consumers' reads) are prepared on the server.
        var given = GivenKeys(options.PostgresConnectionString);
        if (!given.Contains("maxautoprepare"))
        {
            _database.MaxAutoPrepare = 64;
            _database.AutoPrepareMinUsages = 2;
        }

        // Each process holds a writer and a few readers per database; the server's 100 connections are shared by all.
        if (!given.Contains("maxpoolsize") && !given.Contains("maximumpoolsize"))
        {
            _database.MaxPoolSize = options.PostgresPoolSize;
        }
    }

    public string DatabaseName { get; }

    // The keys the operator wrote, spaces and case ignored ("Max Pool Size" = "MaxPoolSize"), so a
    // setting of theirs is never overridden; "Minimum Pool Size" is not the maximum.
    private static HashSet<string> GivenKeys(string connectionString)
    {
        var written = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        return written.Keys.Cast<string>()
            .Select(k => k.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant())
            .ToHashSet(StringComparer.Ordinal);
    }

    public override StorageProvider Provider => StorageProvider.Postgres;

    public override string Location => $"postgres://{_server.Host}:{_server.Port}/{DatabaseName}";

    public override string ConnectionString => _database.ConnectionString;

    public override async Task OpenAsync(CancellationToken ct)
    {
        await CreateDatabaseAsync(ct);
        await OpenExistingAsync(ct);
    }

    public override Task OpenExistingAsync(CancellationToken ct)
    {
        _dataSource = NpgsqlDataSource.Create(_database);
        return Task.CompletedTask;
    }

    private async Task CreateDatabaseAsync(CancellationToken ct)
    {
        // The server's maintenance database, unless the connection string names another to connect to.
        var admin = new NpgsqlConnectionStringBuilder(_server.ConnectionString) { Pooling = false };
        if (string.IsNullOrEmpty(admin.Database))
        {
            admin.Database = "postgres";
        }

        await using var connection = new NpgsqlConnection(admin.ConnectionString);
        await connection.OpenAsync(ct);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", DatabaseName);
        if (await exists.ExecuteScalarAsync(ct) is not null)
        {
            return;
        }

        try
        {
            // The name is checked against DatabaseNamePattern: it is safe to quote into the statement.
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{DatabaseName}\"", connection);
            await create.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
            // Another process of the same service created it first.
        }
    }

    private NpgsqlDataSource DataSource => _dataSource ?? throw new InvalidOperationException($"Database '{_name}' is not open yet.");

    public override async Task<DbConnection> OpenWriterAsync(CancellationToken ct) => await DataSource.OpenConnectionAsync(ct);

    public override async Task<DbTransaction> BeginWriteAsync(DbConnection writer, CancellationToken ct)
    {
        // READ COMMITTED: every statement after the lock sees what the previous writer committed.
        var connection = (NpgsqlConnection)writer;
        var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, ct);
        try
        {
            // Advisory locks are scoped to the current database, so one key per database is enough.
            await using var lockCommand = new NpgsqlCommand(ServiceDatabase.PostgresWriteLockSql, connection, transaction);
            await lockCommand.ExecuteNonQueryAsync(ct);
            return transaction;
        }
        catch
        {
            await transaction.DisposeAsync();
            throw;
        }
    }

    public override async Task<DbConnection> OpenReadAsync(CancellationToken ct) => await DataSource.OpenConnectionAsync(ct);

    public override async Task<int[]> ExecuteBatchAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<StatementBatch.Statement> statements, Func<string, DbCommand> cached, CancellationToken ct)
    {
        if (statements.Count == 0)
        {
            return [];
        }

        // One round trip for the lot: the server runs them in order, in the transaction.
        await using var batch = new NpgsqlBatch((NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        foreach (var statement in statements)
        {
            batch.BatchCommands.Add(ToBatchCommand(statement));
        }

        await batch.ExecuteNonQueryAsync(ct);
        var affected = new int[statements.Count];
        for (var i = 0; i < affected.Length; i++)
        {
            affected[i] = batch.BatchCommands[i].RecordsAffected;
        }

        return affected;
    }

    internal static NpgsqlBatchCommand ToBatchCommand(StatementBatch.Statement statement)
    {
        var command = new NpgsqlBatchCommand(statement.Sql);
        foreach (var (name, value) in statement.Parameters)
        {
            command.Parameters.Add(new NpgsqlParameter(name, value ?? DBNull.Value));
        }

        return command;
    }

    public override DbCommand CommandAfter(GatheredWrites gathered, DbConnection writer, string sql) =>
        new CommandAfterGatheredWrites(gathered, sql, (NpgsqlConnection)writer);

    public override string MigrationSql(Migration migration) => migration.PostgresSql ?? migration.Sql;

    public override async ValueTask DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
            _dataSource = null;
        }

        // The pool of connections opened by ConnectionString (EF Core's), and only that one: the
        // database may be dropped next, and other databases' pools in this process are not ours.
        await using var pooled = new NpgsqlConnection(ConnectionString);
        NpgsqlConnection.ClearPool(pooled);
    }

    [GeneratedRegex("^[a-z][a-z0-9_]{0,62}$")]
    private static partial Regex DatabaseNamePattern();
}

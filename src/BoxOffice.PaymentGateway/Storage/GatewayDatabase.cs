using Microsoft.Data.Sqlite;

namespace BoxOffice.PaymentGateway.Storage;

/// <summary>
/// The simulator's SQLite file, <c>gateway.db</c>: intents, idempotency records, the ledger and
/// pending webhooks. Every write goes through <see cref="BeginAsync"/>; reads open their own
/// connection and, in WAL mode, never wait for the writer.
/// </summary>
internal sealed class GatewayDatabase(GatewayOptions options, IHostEnvironment environment) : IHostedService, IAsyncDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS intents (
            id TEXT PRIMARY KEY,
            status TEXT NOT NULL,
            amount INTEGER NOT NULL,
            currency TEXT NOT NULL,
            token TEXT NOT NULL,
            metadata TEXT NOT NULL,
            reservation_id TEXT,
            challenge_url TEXT,
            decline_reason TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL);

        CREATE TABLE IF NOT EXISTS idempotency (
            key TEXT PRIMARY KEY,
            fingerprint TEXT NOT NULL,
            status_code INTEGER NOT NULL,
            body TEXT NOT NULL,
            created_at TEXT NOT NULL);

        CREATE TABLE IF NOT EXISTS ledger (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL CHECK (kind IN ('charge', 'refund')),
            payment_intent TEXT NOT NULL,
            amount INTEGER NOT NULL,
            currency TEXT NOT NULL,
            reservation_id TEXT,
            at TEXT NOT NULL);
        -- A last line of defence: whatever the code above does, an intent is charged at most once
        -- and refunded at most once.
        CREATE UNIQUE INDEX IF NOT EXISTS ledger_once_per_kind ON ledger (payment_intent, kind);
        CREATE INDEX IF NOT EXISTS ledger_by_reservation ON ledger (reservation_id);

        CREATE TABLE IF NOT EXISTS webhooks (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            body TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at INTEGER NOT NULL,
            delivered_at TEXT,
            last_error TEXT);
        CREATE INDEX IF NOT EXISTS webhooks_due ON webhooks (next_attempt_at) WHERE delivered_at IS NULL;
        """;

    // SQLite has one writer at a time; queueing writers here, in process, is fair and immediate
    // where SQLite's busy handler would sleep and retry.
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private SqliteConnection? _writer;
    private string? _readConnectionString;

    public string FilePath { get; } = Path.GetFullPath(Path.Combine(environment.ContentRootPath, options.DataDirectory, "gateway.db"));

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        var writer = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString());
        await writer.OpenAsync(cancellationToken);
        await using (var command = writer.CreateCommand())
        {
            // NORMAL loses at most the last commits on power loss, never on a process crash: enough
            // for a simulator.
            command.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;" + Schema;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        // Readers are not pooled: a stopped gateway leaves no open handle on its file.
        _readConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString();
        _writer = writer;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Starts a write transaction and holds the write lock until it is disposed. Keep it short:
    /// never wait for latency, a timeout or a remote call inside it.
    /// </summary>
    public async Task<GatewayTransaction> BeginAsync(CancellationToken ct)
    {
        var writer = _writer ?? throw new InvalidOperationException("The gateway database is not open yet.");
        await _writeLock.WaitAsync(ct);
        try
        {
            return new GatewayTransaction(writer, writer.BeginTransaction(deferred: false), _writeLock);
        }
        catch
        {
            _writeLock.Release();
            throw;
        }
    }

    public async Task<SqliteConnection> OpenReadAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_readConnectionString ?? throw new InvalidOperationException("The gateway database is not open yet."));
        await connection.OpenAsync(ct);
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        if (_writer is not null)
        {
            await _writer.DisposeAsync();
            _writer = null;
        }

        _writeLock.Dispose();
    }
}

/// <summary>One write transaction; disposing it without <see cref="CommitAsync"/> rolls it back.</summary>
internal sealed class GatewayTransaction(SqliteConnection connection, SqliteTransaction transaction, SemaphoreSlim writeLock) : IAsyncDisposable
{
    public SqliteCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    public async Task ExecuteAsync(string sql, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(sql, parameters);
        await command.ExecuteNonQueryAsync(ct);
    }

    public Task CommitAsync(CancellationToken ct) => transaction.CommitAsync(ct);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await transaction.DisposeAsync();
        }
        finally
        {
            writeLock.Release();
        }
    }
}

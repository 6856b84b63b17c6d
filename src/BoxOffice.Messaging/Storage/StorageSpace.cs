using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace BoxOffice.Messaging.Storage;

/// <summary>
/// Whether the process's storage has room for writes: a write refused because the disk is full
/// (SQLite's <c>SQLITE_FULL</c>, PostgreSQL's <c>disk_full</c>, a file write's <c>ENOSPC</c>) marks
/// where it happened as full until a write there commits again. A full disk is a condition of the
/// machine, not of a request or an event: HTTP answers it with 503 <c>storage-full</c>, consumers and
/// loops wait and try again instead of counting it against an event (never a dead letter for it),
/// readiness reports it as Degraded, and the log says it once when it starts and once when it ends,
/// not once per refused write.
/// </summary>
public sealed partial class StorageSpace
{
    /// <summary>What an HTTP request's refused write is marked as: it does not say which database.</summary>
    public const string Requests = "HTTP requests";

    private const int SqliteFull = 13;
    private const string PostgresDiskFull = "53100";
    private const int ENOSPC = 28;
    private const int WindowsDiskFull = unchecked((int)0x80070070);
    private const int WindowsHandleDiskFull = unchecked((int)0x80070027);

    private readonly ConcurrentDictionary<string, DateTimeOffset> _full = new(StringComparer.Ordinal);

    // Read on every commit: a plain count, not the dictionary's IsEmpty (which locks when it is empty).
    private int _count;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates the process's watch over its storage (one, registered by <c>AddMessaging</c>).</summary>
    public StorageSpace(TimeProvider time, ILogger<StorageSpace> logger)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _time = time;
        _logger = logger;
    }

    private StorageSpace()
    {
        _time = TimeProvider.System;
        _logger = NullLogger.Instance;
    }

    /// <summary>A watch of its own for a database made outside a host (it logs nothing).</summary>
    internal static StorageSpace Unwatched() => new();

    /// <summary>True while some write was refused for lack of space and nothing committed there since.</summary>
    public bool IsFull => Volatile.Read(ref _count) > 0;

    /// <summary>Where writes are refused for lack of space and since when, earliest first.</summary>
    public IReadOnlyList<(string Where, DateTimeOffset Since)> Full =>
        [.. _full.Select(f => (f.Key, f.Value)).OrderBy(f => f.Value)];

    /// <summary>True when <paramref name="error"/> (or an exception inside it) says the disk is full.</summary>
    public static bool IsFullDisk(Exception? error)
    {
        for (var depth = 0; error is not null && depth < 16; depth++)
        {
            switch (error)
            {
                case SqliteException { SqliteErrorCode: SqliteFull }:
                case PostgresException { SqlState: PostgresDiskFull }:
                case IOException { HResult: ENOSPC or WindowsDiskFull or WindowsHandleDiskFull }:
                    return true;
                case AggregateException aggregate:
                    return aggregate.InnerExceptions.Any(IsFullDisk);
            }

            error = error.InnerException;
        }

        return false;
    }

    /// <summary>
    /// Notes a failed write at <paramref name="where"/> (a database's name): true when it failed for
    /// lack of space, and then the first such failure since space was last there is logged, once.
    /// </summary>
    public bool Refused(Exception error, string where)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentException.ThrowIfNullOrEmpty(where);
        if (!IsFullDisk(error))
        {
            return false;
        }

        if (_full.TryAdd(where, _time.GetUtcNow()))
        {
            Interlocked.Increment(ref _count);
            LogFull(where, Innermost(error).Message);
        }

        return true;
    }

    /// <summary>
    /// Notes a write that committed at <paramref name="where"/>: there is space there again. A
    /// request's refusal (<see cref="Requests"/>), which does not say where, ends with any commit.
    /// </summary>
    public void Wrote(string where)
    {
        if (!IsFull)
        {
            return;
        }

        Forget(where);
        Forget(Requests);
    }

    private void Forget(string where)
    {
        if (_full.TryRemove(where, out var since))
        {
            Interlocked.Decrement(ref _count);
            LogSpaceAgain(where, _time.GetUtcNow() - since);
        }
    }

    private static Exception Innermost(Exception error)
    {
        while (error.InnerException is not null)
        {
            error = error.InnerException;
        }

        return error;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Disk full for {Where}: its writes are refused (HTTP 503 storage-full) and consumers and loops wait "
        + "until there is space again; nothing committed is lost. Free disk space. ({Reason})")]
    private partial void LogFull(string where, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Disk space is back for {Where} after {Duration}: writes go on")]
    private partial void LogSpaceAgain(string where, TimeSpan duration);
}

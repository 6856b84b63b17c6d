using System.Data;
using System.Data.Common;
using Npgsql;

namespace BoxOffice.Messaging.Storage;

/// <summary>
/// A PostgreSQL command that, when it runs, sends the writes its transaction holds (see
/// <see cref="GatheredWrites"/>) ahead of itself in one batch: one round trip, and it reads what they
/// wrote. With nothing held it is a plain command. The server runs the batch in order and stops at the
/// first failing statement, which fails this call (and the transaction, as any failed statement does).
/// </summary>
internal sealed class CommandAfterGatheredWrites(GatheredWrites gathered, string sql, NpgsqlConnection connection)
    : NpgsqlCommand(sql, connection)
{
    public override async Task<int> ExecuteNonQueryAsync(CancellationToken cancellationToken)
    {
        if (gathered.Count == 0)
        {
            return await base.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var batch = Together();
        await batch.ExecuteNonQueryAsync(cancellationToken);
        return batch.BatchCommands[^1].RecordsAffected;
    }

    public override async Task<object?> ExecuteScalarAsync(CancellationToken cancellationToken)
    {
        if (gathered.Count == 0)
        {
            return await base.ExecuteScalarAsync(cancellationToken);
        }

        await using var batch = Together();
        // The writes return no rows: the reader's first result is this command's.
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? reader.GetValue(0) : null;
    }

    protected override async Task<DbDataReader> ExecuteDbDataReaderAsync(CommandBehavior behavior, CancellationToken cancellationToken)
    {
        if (gathered.Count == 0)
        {
            return await base.ExecuteDbDataReaderAsync(behavior, cancellationToken);
        }

        // Not disposed here: the reader it returns is read after this call, and the batch holds nothing else.
        var batch = Together();
        return await batch.ExecuteReaderAsync(behavior, cancellationToken);
    }

    public override int ExecuteNonQuery()
    {
        SendGathered();
        return base.ExecuteNonQuery();
    }

    public override object? ExecuteScalar()
    {
        SendGathered();
        return base.ExecuteScalar();
    }

    protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior)
    {
        SendGathered();
        return base.ExecuteDbDataReader(behavior);
    }

    /// <summary>The held writes, then this command with copies of its parameters.</summary>
    private NpgsqlBatch Together()
    {
        var batch = new NpgsqlBatch(Connection, Transaction);
        foreach (var statement in gathered.Take())
        {
            batch.BatchCommands.Add(PostgresDialect.ToBatchCommand(statement));
        }

        var own = new NpgsqlBatchCommand(CommandText);
        foreach (NpgsqlParameter parameter in Parameters)
        {
            own.Parameters.Add(parameter.Clone());
        }

        batch.BatchCommands.Add(own);
        return batch;
    }

    private void SendGathered()
    {
        if (gathered.Count == 0)
        {
            return;
        }

        using var batch = new NpgsqlBatch(Connection, Transaction);
        foreach (var statement in gathered.Take())
        {
            batch.BatchCommands.Add(PostgresDialect.ToBatchCommand(statement));
        }

        batch.ExecuteNonQuery();
    }
}

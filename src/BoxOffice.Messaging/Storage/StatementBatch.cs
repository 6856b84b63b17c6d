using System.Data.Common;
using BoxOffice.Messaging.EventLog;

namespace BoxOffice.Messaging.Storage;

/// <summary>
/// Statements that write in one transaction and return nothing, sent together: one round trip on
/// PostgreSQL, prepared statements run in turn on SQLite (in process, where a round trip costs
/// nothing). Take one with <see cref="ServiceTransaction.Batch"/>, add statements, execute it.
/// </summary>
public sealed class StatementBatch
{
    private readonly ServiceTransaction _transaction;
    private readonly List<Statement> _statements = [];

    internal StatementBatch(ServiceTransaction transaction) => _transaction = transaction;

    /// <summary>How many statements are waiting.</summary>
    public int Count => _statements.Count;

    /// <summary>Adds a statement; give it its parameters with <see cref="Statement.With"/>.</summary>
    public Statement Add(string sql)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sql);
        var statement = new Statement(sql);
        _statements.Add(statement);
        return statement;
    }

    /// <summary>Runs every statement in order and empties the batch; returns the rows each one changed.</summary>
    public async Task<int[]> ExecuteAsync(CancellationToken ct = default)
    {
        var affected = await _transaction.ExecuteBatchAsync(_statements, ct);
        _statements.Clear();
        return affected;
    }

    /// <summary>
    /// Writes every statement in order and empties the batch, for writes whose row counts are not
    /// needed. In a transaction that gathers writes (a consumer applying a batch of deliveries on
    /// PostgreSQL) they are held and sent in the transaction's next round trip: the next read, batch
    /// or the commit. A statement that fails then fails there, and the consumer applies the batch
    /// again with every write sent at once to find the event at fault.
    /// </summary>
    public Task WriteAsync(CancellationToken ct = default)
    {
        if (_transaction.GathersWrites)
        {
            _transaction.Gather(_statements);
            _statements.Clear();
            return Task.CompletedTask;
        }

        return ExecuteAsync(ct);
    }

    /// <summary>One statement of a batch and its parameters.</summary>
    public sealed class Statement
    {
        internal Statement(string sql) => Sql = sql;

        internal string Sql { get; }

        internal List<KeyValuePair<string, object?>> Parameters { get; } = [];

        /// <summary>Adds a parameter (null becomes DBNull) and returns the statement.</summary>
        public Statement With(string name, object? value)
        {
            Parameters.Add(KeyValuePair.Create(name, value));
            return this;
        }

        internal void Bind(DbCommand command)
        {
            foreach (var (name, value) in Parameters)
            {
                command.With(name, value);
            }
        }
    }
}

namespace BoxOffice.Messaging.Storage;

/// <summary>
/// The writes a transaction holds back to send in its next round trip (see
/// <see cref="StatementBatch.WriteAsync"/>): a consumer applying a batch of deliveries then pays one
/// round trip per read and one at the commit, not one more per handler's writes.
/// </summary>
internal sealed class GatheredWrites
{
    private readonly List<StatementBatch.Statement> _statements = [];

    public bool Enabled { get; set; }

    public int Count => _statements.Count;

    public void Add(IEnumerable<StatementBatch.Statement> statements) => _statements.AddRange(statements);

    /// <summary>The held writes, in the order they were written; none are held after this.</summary>
    public List<StatementBatch.Statement> Take()
    {
        List<StatementBatch.Statement> taken = [.. _statements];
        _statements.Clear();
        return taken;
    }
}

using System.Data.Common;
using BoxOffice.Contracts;
using BoxOffice.Messaging.Deciding;
using BoxOffice.Messaging.EventLog;

namespace BoxOffice.Messaging.Consuming;

/// <summary>The event being applied and the consumer's transaction it is applied in.</summary>
public sealed class ConsumeContext
{
    internal ConsumeContext(string consumer, ServiceTransaction transaction, EventEnvelope envelope, long sequence)
    {
        Consumer = consumer;
        Transaction = transaction;
        Envelope = envelope;
        Sequence = sequence;
    }

    /// <summary>The consumer applying the event.</summary>
    public string Consumer { get; }

    /// <summary>The consumer's own database transaction.</summary>
    public ServiceTransaction Transaction { get; }

    /// <summary>The event's metadata and raw payload.</summary>
    public EventEnvelope Envelope { get; }

    /// <summary>The event's position in its producer's log.</summary>
    public long Sequence { get; }

    /// <summary>A command in the consumer's transaction (see <see cref="ServiceTransaction.Command"/>).</summary>
    public DbCommand Command(string sql) => Transaction.Command(sql);

    /// <summary>
    /// Publishes an event caused by this one to the consumer's service log, in the same transaction;
    /// it carries this event's correlation id unless given another.
    /// </summary>
    public Guid Publish<T>(T @event, Guid? correlationId = null) where T : IEvent<T> =>
        Transaction.Publish(@event, correlationId ?? Envelope.CorrelationId, Envelope.EventId);

    /// <summary>
    /// Writes a decision in the consumer's transaction: its changes through <paramref name="writer"/>,
    /// then its events, caused by this one and carrying its correlation id.
    /// </summary>
    public Task ApplyAsync<TChange>(Decision<TChange> decision, IChangeWriter<TChange> writer, CancellationToken cancellationToken = default) =>
        Transaction.ApplyAsync(decision, writer, Envelope.CorrelationId, Envelope.EventId, cancellationToken);
}

using BoxOffice.Contracts;
using BoxOffice.Messaging.EventLog;

namespace BoxOffice.Messaging.Deciding;

/// <summary>
/// An event a decision causes, typed when it is made and published by the core in the transaction
/// that writes the decision's changes (see <see cref="ServiceTransaction.ApplyAsync{TChange}"/>).
/// </summary>
public sealed class Outgoing
{
    private readonly Func<ServiceTransaction, Guid?, Guid?, Guid> _publish;

    private Outgoing(object @event, string wireName, Func<ServiceTransaction, Guid?, Guid?, Guid> publish)
    {
        Event = @event;
        WireName = wireName;
        _publish = publish;
    }

    /// <summary>The event itself, for tests and logs.</summary>
    public object Event { get; }

    /// <summary>Its wire name.</summary>
    public string WireName { get; }

    /// <summary>Wraps <paramref name="event"/> for publishing.</summary>
    public static Outgoing Of<T>(T @event) where T : IEvent<T>
    {
        ArgumentNullException.ThrowIfNull(@event);
        return new Outgoing(@event, T.WireName, (tx, correlation, causation) => tx.Publish(@event, correlation, causation));
    }

    internal Guid PublishTo(ServiceTransaction transaction, Guid? correlationId, Guid? causationId) =>
        _publish(transaction, correlationId, causationId);
}

/// <summary>
/// What a pure <c>Decide</c> function returns: the state changes to write and the events they cause.
/// The core writes both in one transaction (<see cref="ServiceTransaction.ApplyAsync{TChange}"/>).
/// </summary>
/// <typeparam name="TChange">The module's change type (often a closed record hierarchy).</typeparam>
/// <param name="Changes">What to write, in order.</param>
/// <param name="Events">What to publish, in order.</param>
public sealed record Decision<TChange>(IReadOnlyList<TChange> Changes, IReadOnlyList<Outgoing> Events)
{
    /// <summary>Nothing to write or publish.</summary>
    public static Decision<TChange> None { get; } = new([], []);

    /// <summary>True when there is nothing to write or publish.</summary>
    public bool IsEmpty => Changes.Count == 0 && Events.Count == 0;

    /// <summary>One change and the events it causes.</summary>
    public static Decision<TChange> Of(TChange change, params Outgoing[] events) => new([change], events);

    /// <summary>Only events.</summary>
    public static Decision<TChange> Publish(params Outgoing[] events) => new([], events);
}

/// <summary>Writes one module's changes in a transaction: the SQL of a decider's result, and nothing else.</summary>
/// <typeparam name="TChange">The module's change type.</typeparam>
public interface IChangeWriter<in TChange>
{
    /// <summary>Writes <paramref name="change"/> in <paramref name="transaction"/> (add it to a batch where the dialect allows).</summary>
    Task WriteAsync(ServiceTransaction transaction, TChange change, CancellationToken cancellationToken);
}

using BoxOffice.Contracts;
using BoxOffice.Messaging.EventLog;

namespace BoxOffice.Messaging.Consuming;

/// <summary>
/// Applies one event to a consumer's own state. The messaging core calls it inside the consumer's
/// database transaction, together with other events of the same batch and the consumer's cursor,
/// so its effects are applied exactly once. It must do all its I/O through the context (state
/// changes and published events) and nothing slow: no remote calls inside the transaction.
/// </summary>
/// <typeparam name="T">The event type handled.</typeparam>
public interface IEventHandler<T> where T : IEvent<T>
{
    /// <summary>Applies <paramref name="event"/>; throwing rolls the batch back and retries the event.</summary>
    ValueTask HandleAsync(T @event, ConsumeContext context, CancellationToken cancellationToken);
}

/// <summary>
/// Clears what a consumer derived from events at or after a replay point, in the same transaction
/// that moves its cursor back, so replay rebuilds its state rather than applying events twice.
/// </summary>
public interface IConsumerReset
{
    /// <summary>Forgets the state <paramref name="consumer"/> derived from events from <paramref name="from"/> on.</summary>
    ValueTask ResetAsync(string consumer, ReplayFrom from, ServiceTransaction transaction, CancellationToken cancellationToken);
}

using BoxOffice.Messaging.Consuming;
using BoxOffice.Messaging.Hosting;

namespace BoxOffice.Messaging.Operations;

/// <summary>
/// Where a subscription stands. On the local transport: one per consumer and source log, a cursor in
/// the log. On RabbitMQ: one per consumer, its queue (<see cref="Queue"/>): <see cref="Position"/>
/// and <see cref="Applied"/> count the events this process applied since it started, and the lag is
/// the queue's depth (ready in the broker plus delivered here and not yet acknowledged); and one per
/// hosted log for its relay (consumer <c>relay</c>): the relayed position in the log.
/// </summary>
/// <param name="Consumer">The consumer (<c>relay</c> for a relay).</param>
/// <param name="Source">The service whose log it reads (several, comma-separated, for a queue).</param>
/// <param name="Position">The last sequence number it has passed (events applied, for a queue).</param>
/// <param name="Head">The log's last sequence number (applied plus queue depth, for a queue).</param>
/// <param name="State">What it is doing.</param>
/// <param name="Queue">The broker queue it consumes, or the exchange a relay publishes to; null on the local transport.</param>
/// <param name="Applied">Events applied by this process since it started, for a queue.</param>
/// <param name="Duplicates">
/// Deliveries this process dropped since it started because they were applied already (its inbox
/// had them: a redelivery, a relay publishing twice), for a queue.
/// </param>
public sealed record SubscriptionStatus(
    string Consumer, string Source, long Position, long Head, SubscriptionState State, string? Queue = null, long? Applied = null, long? Duplicates = null)
{
    /// <summary>Events in the log it has not reached yet (of any type), or left in its queue.</summary>
    public long Lag => Math.Max(0, Head - Position);
}

/// <summary>What operators can see and do: positions, dead letters, redrive and replay.</summary>
public sealed class MessagingAdmin(MessagingRuntime runtime)
{
    /// <summary>Every subscription of every consumer in this process.</summary>
    public async Task<IReadOnlyList<SubscriptionStatus>> SubscriptionsAsync(CancellationToken ct = default)
    {
        var result = new List<SubscriptionStatus>();
        foreach (var subscription in runtime.Consumers.SelectMany(c => c.Subscriptions))
        {
            var head = await ConsumerStore.HeadAsync(subscription.Source, ct);
            result.Add(new SubscriptionStatus(subscription.Consumer, subscription.Source.Name, subscription.Position, head, subscription.State));
        }

        foreach (var consumer in runtime.Consumers)
        {
            if (consumer.Broker is { } broker)
            {
                result.Add(await broker.StatusAsync(ct));
            }
        }

        foreach (var relay in runtime.Relays)
        {
            var head = await ConsumerStore.HeadAsync(relay.Database, ct);
            var state = await Broker.RelayStore.StateAsync(relay.Database, ct);
            result.Add(new SubscriptionStatus("relay", relay.Database.Name, state.Position, head,
                relay.IsLeader ? SubscriptionState.Running : SubscriptionState.Standby, runtime.BrokerNames?.Events));
        }

        return result;
    }

    /// <summary>The consumer's dead letters, oldest first; redriven ones only when asked.</summary>
    public Task<IReadOnlyList<DeadLetter>> DeadLettersAsync(string consumer, bool includeRedriven = false, CancellationToken ct = default) =>
        Consumer(consumer).DeadLettersAsync(includeRedriven, ct);

    /// <summary>Applies a dead letter again with the consumer's current handler, at most once successfully.</summary>
    public Task<RedriveResult> RedriveAsync(string consumer, long deadLetterId, CancellationToken ct = default) =>
        Consumer(consumer).RedriveAsync(deadLetterId, ct);

    /// <summary>
    /// Moves the consumer's cursors back (clearing its state through its reset hook) so it rebuilds
    /// from the stored events; it resumes at once.
    /// </summary>
    public Task ResetAsync(string consumer, ReplayFrom from, CancellationToken ct = default) =>
        Consumer(consumer).ResetAsync(from, ct);

    /// <summary>True when a consumer of that name runs in this process.</summary>
    public bool Runs(string consumer) => runtime.Consumers.Any(c => c.Name == consumer);

    private ConsumerGroup Consumer(string name) =>
        runtime.Consumers.FirstOrDefault(c => c.Name == name)
        ?? throw new ArgumentException($"No consumer '{name}' runs in this process.", nameof(name));
}

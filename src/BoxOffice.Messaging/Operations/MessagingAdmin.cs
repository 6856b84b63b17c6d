using BoxOffice.Messaging.Consuming;
using BoxOffice.Messaging.Hosting;

namespace BoxOffice.Messaging.Operations;

/// <summary>Where a subscription stands.</summary>
/// <param name="Consumer">The consumer.</param>
/// <param name="Source">The service whose log it reads.</param>
/// <param name="Position">The last sequence number it has passed.</param>
/// <param name="Head">The log's last sequence number.</param>
/// <param name="State">What it is doing.</param>
public sealed record SubscriptionStatus(string Consumer, string Source, long Position, long Head, SubscriptionState State)
{
    /// <summary>Events in the log it has not reached yet (of any type).</summary>
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

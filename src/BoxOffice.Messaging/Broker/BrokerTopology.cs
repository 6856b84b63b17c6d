using RabbitMQ.Client;

namespace BoxOffice.Messaging.Broker;

/// <summary>
/// Declares what relays and consumers need; every declaration is idempotent, so each side declares
/// what it uses and the order processes start in never matters. The arguments of an exchange or
/// queue are fixed once it exists: declaring it again with others fails with PRECONDITION_FAILED.
/// </summary>
internal static class BrokerTopology
{
    /// <summary>Most messages kept in the unrouted queue; the oldest are dropped beyond it.</summary>
    public const int UnroutedLimit = 10_000;

    /// <summary>The events exchange, with its alternate exchange and queue for events no consumer binds.</summary>
    public static async Task DeclareEventsAsync(IChannel channel, BrokerNames names, CancellationToken ct)
    {
        await channel.ExchangeDeclareAsync(names.Unrouted, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: ct);
        await channel.QueueDeclareAsync(names.Unrouted, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?> { ["x-max-length"] = UnroutedLimit }, cancellationToken: ct);
        await channel.QueueBindAsync(names.Unrouted, names.Unrouted, routingKey: "", cancellationToken: ct);
        await channel.ExchangeDeclareAsync(names.Events, ExchangeType.Topic, durable: true, autoDelete: false,
            arguments: new Dictionary<string, object?> { ["alternate-exchange"] = names.Unrouted }, cancellationToken: ct);
        await channel.ExchangeDeclareAsync(names.Control, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: ct);
    }

    /// <summary>A producer's replay queue, bound to the control exchange with <c>replay.&lt;source&gt;</c>.</summary>
    public static async Task DeclareReplayQueueAsync(IChannel channel, BrokerNames names, string source, CancellationToken ct)
    {
        var queue = names.ReplayQueue(source);
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" }, cancellationToken: ct);
        await channel.QueueBindAsync(queue, names.Control, BrokerNames.ReplayKey(source), cancellationToken: ct);
    }

    /// <summary>
    /// A consumer's quorum queue bound to exactly the wire names it reads, and its dead-letter queue:
    /// after <paramref name="deliveryLimit"/> deliveries the broker moves a message there, at least
    /// once (which needs <c>x-overflow: reject-publish</c>).
    /// </summary>
    public static async Task DeclareConsumerAsync(IChannel channel, BrokerNames names, string consumer, IEnumerable<string> wireNames, int deliveryLimit, CancellationToken ct)
    {
        await channel.ExchangeDeclareAsync(names.DeadLetters, ExchangeType.Direct, durable: true, autoDelete: false, cancellationToken: ct);
        var deadLetters = names.DeadLetterQueue(consumer);
        await channel.QueueDeclareAsync(deadLetters, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" }, cancellationToken: ct);
        await channel.QueueBindAsync(deadLetters, names.DeadLetters, consumer, cancellationToken: ct);

        var queue = names.Queue(consumer);
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?>
            {
                ["x-queue-type"] = "quorum",
                ["x-delivery-limit"] = deliveryLimit,
                ["x-dead-letter-exchange"] = names.DeadLetters,
                ["x-dead-letter-routing-key"] = consumer,
                ["x-dead-letter-strategy"] = "at-least-once",
                ["x-overflow"] = "reject-publish",
            },
            cancellationToken: ct);
        foreach (var wireName in wireNames)
        {
            await channel.QueueBindAsync(queue, names.Events, wireName, cancellationToken: ct);
        }
    }
}

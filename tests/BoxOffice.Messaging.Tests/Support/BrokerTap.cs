using System.Collections.Concurrent;
using System.Text;
using BoxOffice.Messaging.Broker;
using BoxOffice.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace BoxOffice.Messaging.Tests.Support;

/// <summary>A message as a test saw it on the broker.</summary>
internal sealed record Tapped(string RoutingKey, string? MessageId, long Seq, string? Source, string? TraceParent, bool Persistent, string Body);

/// <summary>
/// A test's own queue on a prefix's events exchange (exclusive: it goes with the connection), to see
/// exactly what the relays publish.
/// </summary>
internal sealed class BrokerTap : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _channel;

    private BrokerTap(IConnection connection, IChannel channel)
    {
        _connection = connection;
        _channel = channel;
    }

    public ConcurrentQueue<Tapped> Received { get; } = new();

    public IChannel Channel => _channel;

    public static async Task<BrokerTap> StartAsync(string dataDirectory, string bindingKey = "#")
    {
        var connection = await BrokerUnderTest.ConnectAsync();
        var channel = await connection.CreateChannelAsync();
        var names = new BrokerNames(StoreUnderTest.PrefixFor(dataDirectory));
        await BrokerTopology.DeclareEventsAsync(channel, names, TestContext.Current.CancellationToken);
        var queue = (await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true)).QueueName;
        await channel.QueueBindAsync(queue, names.Events, bindingKey);
        var tap = new BrokerTap(connection, channel);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, ea) =>
        {
            var headers = ea.BasicProperties.Headers ?? new Dictionary<string, object?>();
            tap.Received.Enqueue(new Tapped(
                ea.RoutingKey,
                ea.BasicProperties.MessageId,
                BrokerMessage.Long(headers, BrokerMessage.SequenceHeader) ?? -1,
                BrokerMessage.Text(headers, BrokerMessage.SourceHeader),
                BrokerMessage.Text(headers, BrokerMessage.TraceParentHeader),
                ea.BasicProperties.Persistent,
                Encoding.UTF8.GetString(ea.Body.Span)));
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue, autoAck: true, consumer);
        return tap;
    }

    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
    }
}

using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using BoxOffice.Messaging.Consuming;
using BoxOffice.Messaging.Storage;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace BoxOffice.Messaging.Broker;

/// <summary>
/// A request to publish a log again to one consumer's queue: sent on the control exchange with
/// routing key <c>replay.&lt;source&gt;</c> when an operator resets the consumer, or when the consumer
/// first starts and should be built from history.
/// </summary>
/// <param name="Consumer">Who asks.</param>
/// <param name="Queue">Its queue: the events go there through the default exchange, to nobody else.</param>
/// <param name="Types">The stored wire names it reads (handled types and their older versions).</param>
/// <param name="AfterSequence">Replay the events after this position…</param>
/// <param name="FromTime">…or, when set, from the first event at or after this time.</param>
internal sealed record ReplayRequest(string Consumer, string Queue, IReadOnlyList<string> Types, long AfterSequence, DateTimeOffset? FromTime);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ReplayRequest))]
internal sealed partial class BrokerJson : JsonSerializerContext;

/// <summary>
/// Runs beside the relay while it leads: takes replay requests for its log one at a time (prefetch
/// 1) and publishes the matching events straight to the asking consumer's queue, with confirms,
/// acking the request only after the last confirm. A request interrupted by a crash is delivered
/// again and replayed again; the consumer's inbox drops what it already has.
/// </summary>
internal sealed partial class ReplayWorker : IAsyncDisposable
{
    private readonly IChannel _channel;
    private readonly ServiceDatabase _database;
    private readonly MessagingOptions _options;
    private readonly ILogger _logger;
    private readonly Channel<(ulong Tag, string Body)> _requests = System.Threading.Channels.Channel.CreateUnbounded<(ulong, string)>();
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;

    private ReplayWorker(IChannel channel, ServiceDatabase database, MessagingOptions options, ILogger logger)
    {
        _channel = channel;
        _database = database;
        _options = options;
        _logger = logger;
    }

    public bool IsOpen => _channel.IsOpen && !_loop.IsCompleted;

    public static async Task<ReplayWorker> StartAsync(IConnection connection, BrokerNames names, ServiceDatabase database, MessagingOptions options, ILogger logger, CancellationToken ct)
    {
        var channel = await connection.CreateChannelAsync(Relay.ConfirmedChannel, ct);
        var worker = new ReplayWorker(channel, database, options, logger);
        try
        {
            await channel.BasicQosAsync(0, 1, global: false, ct);
            var consumer = new AsyncEventingBasicConsumer(channel);
            consumer.ReceivedAsync += (_, ea) =>
            {
                worker._requests.Writer.TryWrite((ea.DeliveryTag, Encoding.UTF8.GetString(ea.Body.Span)));
                return Task.CompletedTask;
            };
            await channel.BasicConsumeAsync(names.ReplayQueue(database.Name), autoAck: false, consumer, ct);
            worker._loop = Task.Run(() => worker.RunAsync(worker._stopping.Token), CancellationToken.None);
            return worker;
        }
        catch
        {
            await worker.DisposeAsync();
            throw;
        }
    }

    private async Task RunAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var (tag, body) in _requests.Reader.ReadAllAsync(ct))
            {
                ReplayRequest? request;
                try
                {
                    request = JsonSerializer.Deserialize(body, BrokerJson.Default.ReplayRequest);
                }
                catch (JsonException)
                {
                    request = null;
                }

                if (request is null || request.Types is not { Count: > 0 } || string.IsNullOrEmpty(request.Queue))
                {
                    LogMalformed(_database.Name, body);
                    await _channel.BasicAckAsync(tag, multiple: false, ct);
                    continue;
                }

                try
                {
                    var count = await ReplayAsync(request, ct);
                    LogReplayed(_database.Name, count, request.Queue, request.Consumer);
                }
                catch (PublishException ex) when (ex.IsReturn)
                {
                    // The consumer's queue is gone: nobody is left to replay to.
                    LogNoQueue(ex, _database.Name, request.Queue);
                }

                await _channel.BasicAckAsync(tag, multiple: false, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // The channel closes with the worker; the broker gives the unacked request to the next leader or session.
            LogFailed(ex, _database.Name);
        }
    }

    private async Task<long> ReplayAsync(ReplayRequest request, CancellationToken ct)
    {
        var after = request.FromTime is { } at ? await ConsumerStore.PositionBeforeAsync(_database, at, ct) : request.AfterSequence;
        long count = 0;
        while (true)
        {
            var events = await RelayStore.ReadAsync(_database, after, _options.RelayBatchSize, request.Types, ct);
            if (events.Count == 0)
            {
                return count;
            }

            var (confirmed, failure) = await Relay.PublishAsync(_channel, exchange: "", _ => request.Queue, events, ct);
            if (failure is not null)
            {
                throw failure;
            }

            count += confirmed;
            after = events[^1].Stored.Sequence;
            if (events.Count < _options.RelayBatchSize)
            {
                return count;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        try
        {
            await _loop;
        }
        catch (Exception)
        {
            // Logged by the loop.
        }

        await Relay.CloseQuietlyAsync(_channel);
        _stopping.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Replayed {Count} events of {Source} to queue {Queue} for consumer {Consumer}")]
    private partial void LogReplayed(string source, long count, string queue, string consumer);

    [LoggerMessage(Level = LogLevel.Error, Message = "A replay request for {Source} is not one BoxOffice sends, dropped: {Body}")]
    private partial void LogMalformed(string source, string body);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replay of {Source} to {Queue} dropped: the queue does not exist any more")]
    private partial void LogNoQueue(Exception error, string source, string queue);

    [LoggerMessage(Level = LogLevel.Error, Message = "Serving replay requests for {Source} failed; the request is delivered again")]
    private partial void LogFailed(Exception error, string source);
}

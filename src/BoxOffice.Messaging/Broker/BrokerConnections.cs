using Microsoft.Extensions.Logging;
using RabbitMQ.Client;

namespace BoxOffice.Messaging.Broker;

/// <summary>
/// The names of everything BoxOffice declares on the broker, from <c>BoxOffice:DatabasePrefix</c>
/// (<c>boxoffice</c> unless set; tests use one per host).
/// </summary>
/// <param name="Prefix">The deployment's prefix.</param>
internal sealed record BrokerNames(string Prefix)
{
    /// <summary>The durable topic exchange every relay publishes to, routing key = wire name.</summary>
    public string Events => Prefix + ".events";

    /// <summary>
    /// The events exchange's alternate exchange (fanout) and its bounded queue: an event no consumer's
    /// queue binds lands there instead of being dropped, and the relay counts it as delivered.
    /// </summary>
    public string Unrouted => Prefix + ".unrouted";

    /// <summary>Where the consumers' queues dead-letter (direct, routing key = consumer).</summary>
    public string DeadLetters => Prefix + ".dead-letters";

    /// <summary>The control exchange (topic): replay requests, routing key <c>replay.&lt;source&gt;</c>.</summary>
    public string Control => Prefix + ".control";

    /// <summary>A consumer's quorum queue.</summary>
    public string Queue(string consumer) => Prefix + "." + consumer;

    /// <summary>A consumer's dead-letter queue: what the broker gave up delivering (<c>x-delivery-limit</c>).</summary>
    public string DeadLetterQueue(string consumer) => Queue(consumer) + ".dead-letters";

    /// <summary>The queue a producer's relay leader takes replay requests from.</summary>
    public string ReplayQueue(string source) => Prefix + "." + source + ".replays";

    /// <summary>The routing key of a replay request to <paramref name="source"/>'s log.</summary>
    public static string ReplayKey(string source) => "replay." + source;
}

/// <summary>
/// The process's two connections to RabbitMQ, one for publishing (relays) and one for consuming, as
/// RabbitMQ advises (a publisher held back by flow control must not hold back acks). Opened on
/// first use and opened again after the broker dropped them; no automatic recovery: each relay and
/// consumer notices its channel closed, backs off, and sets itself up again from its own state
/// (its relayed position, the broker's unacked deliveries), which is simpler to reason about than
/// replaying recorded topology.
/// </summary>
internal sealed partial class BrokerConnections : IAsyncDisposable
{
    private readonly ConnectionFactory _factory;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly ILogger _logger;
    private IConnection? _publishing;
    private IConnection? _consuming;

    public BrokerConnections(MessagingOptions options, ILogger logger)
    {
        _logger = logger;
        Names = new BrokerNames(options.DatabasePrefix);
        _factory = new ConnectionFactory
        {
            Uri = new Uri(options.RabbitMqConnectionString!),
            AutomaticRecoveryEnabled = false,
            TopologyRecoveryEnabled = false,
            RequestedHeartbeat = TimeSpan.FromSeconds(10),
            ClientProvidedName = $"{options.DatabasePrefix} pid {Environment.ProcessId}",
        };
    }

    public BrokerNames Names { get; }

    /// <summary>The user an AMQP URI logs in as (RabbitMQ's <c>guest</c> when it names none), or null when it is no AMQP URI.</summary>
    public static string? UserOf(string? uri)
    {
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("amqp" or "amqps"))
        {
            return null;
        }

        var user = parsed.UserInfo.Split(':')[0];
        return user.Length == 0 ? "guest" : Uri.UnescapeDataString(user);
    }

    public Task<IConnection> PublishingAsync(CancellationToken ct) => OpenAsync(publishing: true, ct);

    public Task<IConnection> ConsumingAsync(CancellationToken ct) => OpenAsync(publishing: false, ct);

    private async Task<IConnection> OpenAsync(bool publishing, CancellationToken ct)
    {
        await _lock.WaitAsync(ct);
        try
        {
            var current = publishing ? _publishing : _consuming;
            if (current is { IsOpen: true })
            {
                return current;
            }

            if (current is not null)
            {
                await DisposeQuietlyAsync(current);
            }

            var role = publishing ? "publishing" : "consuming";
            var opened = await _factory.CreateConnectionAsync($"{_factory.ClientProvidedName} {role}", ct);
            LogConnected(role, _factory.Endpoint.ToString());
            if (publishing)
            {
                _publishing = opened;
            }
            else
            {
                _consuming = opened;
            }

            return opened;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Drops both connections as a network failure would: every channel on them closes (tests).</summary>
    internal async Task AbortAsync()
    {
        await _lock.WaitAsync();
        try
        {
            foreach (var connection in new[] { _publishing, _consuming })
            {
                if (connection is not null)
                {
                    await connection.AbortAsync();
                }
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    private static async Task DisposeQuietlyAsync(IConnection connection)
    {
        try
        {
            await connection.DisposeAsync();
        }
        catch (Exception)
        {
            // It is gone either way.
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in new[] { _publishing, _consuming })
        {
            if (connection is not null)
            {
                try
                {
                    await connection.CloseAsync(TimeSpan.FromSeconds(2));
                }
                catch (Exception)
                {
                    // Stopping: a broker that is already gone needs no goodbye.
                }

                await DisposeQuietlyAsync(connection);
            }
        }

        _publishing = null;
        _consuming = null;
        _lock.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to RabbitMQ for {Role} at {Endpoint}")]
    private partial void LogConnected(string role, string endpoint);
}

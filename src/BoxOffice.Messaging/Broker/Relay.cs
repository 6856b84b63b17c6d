using BoxOffice.Messaging.Storage;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace BoxOffice.Messaging.Broker;

/// <summary>
/// Publishes one service's log to the events exchange, in sequence order, and moves the log's
/// relayed position only past what the broker confirmed.
/// <list type="bullet">
/// <item>One relay per hosted database; where two processes of a service share the database, only the
/// holder of the lease row publishes (see <see cref="RelayStore.TryHoldAsync"/>). The position is
/// written only by the holder, in the same statement that renews the lease.</item>
/// <item>Up to <see cref="MessagingOptions.RelayBatchSize"/> publishes are in flight on one channel
/// before it waits for their confirms (publishes on one channel reach the queues in order).</item>
/// <item>It wakes on this process's commits (<see cref="ServiceDatabase.Appended"/>), otherwise
/// every <see cref="MessagingOptions.RelayPoll"/>.</item>
/// <item>Any broker failure ends the session: it backs off, connects again and resumes from the
/// stored position; what was published but not confirmed is published again (consumers drop the
/// duplicates in their inbox).</item>
/// <item>The leader also serves replay requests for its log (<see cref="ReplayWorker"/>).</item>
/// </list>
/// </summary>
internal sealed partial class Relay(ServiceDatabase database, BrokerConnections broker, MessagingOptions options, TimeProvider time, ILogger logger)
{
    /// <summary>Confirms tracked by the client; no rate limiter, so publishes keep their order and the batch is the window.</summary>
    internal static readonly CreateChannelOptions ConfirmedChannel = new(
        publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true, outstandingPublisherConfirmationsRateLimiter: null);

    private readonly string _owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
    private long _leaseUntil;
    private long _position = -1;
    private volatile bool _leader;

    public ServiceDatabase Database => database;

    /// <summary>True while this process holds the log's lease and publishes it.</summary>
    public bool IsLeader => _leader;

    public async Task RunAsync(CancellationToken ct)
    {
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            IChannel? channel = null;
            ReplayWorker? replays = null;
            try
            {
                var connection = await broker.PublishingAsync(ct);
                channel = await connection.CreateChannelAsync(ConfirmedChannel, ct);
                await BrokerTopology.DeclareEventsAsync(channel, broker.Names, ct);
                await BrokerTopology.DeclareReplayQueueAsync(channel, broker.Names, database.Name, ct);
                while (!ct.IsCancellationRequested)
                {
                    // Taken before reading, so a commit between the read and the wait still wakes us.
                    var appended = database.Appended.Next;
                    if (!await HoldLeaseAsync(ct))
                    {
                        if (replays is not null)
                        {
                            await replays.DisposeAsync();
                            replays = null;
                        }

                        await WaitAsync(appended, ct);
                        continue;
                    }

                    if (replays is { IsOpen: false })
                    {
                        await replays.DisposeAsync();
                        replays = null;
                    }

                    replays ??= await ReplayWorker.StartAsync(connection, broker.Names, database, options, logger, ct);
                    var published = await PublishBatchAsync(channel, ct);
                    if (failures > 0)
                    {
                        LogRecovered(database.Name, failures);
                        failures = 0;
                    }

                    if (published < options.RelayBatchSize)
                    {
                        await WaitAsync(appended, ct);
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                failures++;
                var delay = options.BackoffBefore(Math.Min(failures + 1, 10));
                LogFailed(ex, database.Name, failures, delay);
                try
                {
                    await Task.Delay(delay, time, ct);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
            finally
            {
                if (replays is not null)
                {
                    await replays.DisposeAsync();
                }

                await CloseQuietlyAsync(channel);
            }
        }

        if (_leader)
        {
            _leader = false;
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await RelayStore.ReleaseAsync(database, _owner, cts.Token);
            }
            catch (Exception ex)
            {
                // The lease then runs out on its own.
                LogReleaseFailed(ex, database.Name);
            }
        }
    }

    private async Task<bool> HoldLeaseAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var lease = (long)options.RelayLease.TotalMilliseconds;
        // Renewed once a third of it has passed: two renewals can fail before it runs out.
        if (_leader && now < _leaseUntil - (lease * 2 / 3))
        {
            return true;
        }

        var state = await RelayStore.StateAsync(database, ct);
        if (state.Owner != _owner && state.Owner is not null && state.LeaseUntil >= now)
        {
            if (_leader)
            {
                LogLostLease(database.Name, state.Owner);
            }

            _leader = false;
            return false;
        }

        if (!await RelayStore.TryHoldAsync(database, _owner, now, now + lease, ct))
        {
            _leader = false;
            return false;
        }

        _leaseUntil = now + lease;
        if (!_leader || state.Owner != _owner)
        {
            // Whatever another holder confirmed before us is where we start.
            _position = (await RelayStore.StateAsync(database, ct)).Position;
            _leader = true;
            LogLeading(database.Name, _position);
        }

        return true;
    }

    private async Task<int> PublishBatchAsync(IChannel channel, CancellationToken ct)
    {
        var events = await RelayStore.ReadAsync(database, _position, options.RelayBatchSize, types: null, ct);
        if (events.Count == 0)
        {
            return 0;
        }

        // A chaos fault (Messaging:PublishCopies): the whole batch again after it, so copies reach consumers in later batches too.
        var published = options.PublishCopies == 1 ? events : Enumerable.Repeat(events, options.PublishCopies).SelectMany(copy => copy).ToList();
        var (confirmedCopies, failure) = await PublishAsync(channel, broker.Names.Events, e => e.Stored.Envelope.Type, published, ct);
        var confirmed = Math.Min(confirmedCopies, events.Count);
        if (confirmed > 0)
        {
            var position = events[confirmed - 1].Stored.Sequence;
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var until = now + (long)options.RelayLease.TotalMilliseconds;
            if (!await RelayStore.MarkAsync(database, _owner, position, now, until, ct))
            {
                _leader = false;
                LogLostLease(database.Name, "another process");
                return 0;
            }

            _position = position;
            _leaseUntil = until;
        }

        if (failure is not null)
        {
            throw new InvalidOperationException(
                $"The broker did not take event {published[confirmedCopies].Stored.Sequence} of '{database.Name}' ({published[confirmedCopies].Stored.Envelope.Type}): {failure.Message}", failure);
        }

        return events.Count;
    }

    /// <summary>
    /// Publishes every event without waiting, then awaits every confirm: one round trip for the lot.
    /// </summary>
    /// <returns>How many events from the first were confirmed in a row, and the first failure after them.</returns>
    internal static async Task<(int Confirmed, Exception? Failure)> PublishAsync(
        IChannel channel, string exchange, Func<RelayedEvent, string> routingKey, List<RelayedEvent> events, CancellationToken ct)
    {
        var pending = new ValueTask[events.Count];
        var sent = 0;
        Exception? failure = null;
        try
        {
            for (; sent < events.Count; sent++)
            {
                var e = events[sent];
                // mandatory: a message even the alternate exchange could not place is returned, and fails here.
                pending[sent] = channel.BasicPublishAsync(exchange, routingKey(e), mandatory: true, BrokerMessage.Properties(e), BrokerMessage.Body(e), ct);
            }
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        var confirmed = 0;
        var inOrder = true;
        for (var i = 0; i < sent; i++)
        {
            try
            {
                await pending[i];
                if (inOrder)
                {
                    confirmed++;
                }
            }
            catch (Exception ex)
            {
                // Every publish is awaited, so none fails unobserved; only the confirmed prefix counts.
                inOrder = false;
                failure ??= ex;
            }
        }

        return (confirmed, failure);
    }

    private async Task WaitAsync(Task appended, CancellationToken ct)
    {
        try
        {
            await appended.WaitAsync(options.RelayPoll, time, ct);
        }
        catch (TimeoutException)
        {
            // The poll: commits by another process of this service do not signal this one.
        }
    }

    internal static async Task CloseQuietlyAsync(IChannel? channel)
    {
        if (channel is null)
        {
            return;
        }

        try
        {
            if (channel.IsOpen)
            {
                await channel.CloseAsync();
            }
        }
        catch (Exception ex) when (ex is AlreadyClosedException or OperationInterruptedException or ObjectDisposedException or IOException or TimeoutException)
        {
            // Closed by the broker or the connection already.
        }

        channel.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Relay of {Source} holds the lease and publishes after position {Position}")]
    private partial void LogLeading(string source, long position);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Relay of {Source} lost its lease to {Owner}; it stops publishing")]
    private partial void LogLostLease(string source, string owner);

    [LoggerMessage(Level = LogLevel.Error, Message = "Relay of {Source} failed ({Failures} in a row); connecting again in {Delay}")]
    private partial void LogFailed(Exception error, string source, int failures, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Information, Message = "Relay of {Source} publishes again after {Failures} failures")]
    private partial void LogRecovered(string source, int failures);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Relay of {Source} could not give its lease up on stopping; another process takes over when it runs out")]
    private partial void LogReleaseFailed(Exception error, string source);
}

using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using BoxOffice.Contracts;
using BoxOffice.Messaging.Consuming;
using BoxOffice.Messaging.EventLog;
using BoxOffice.Messaging.Operations;
using BoxOffice.Messaging.Storage;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace BoxOffice.Messaging.Broker;

/// <summary>
/// A consumer fed by its own quorum queue instead of the producers' databases.
/// <list type="bullet">
/// <item>Deliveries are applied in delivery order, in batches of what has arrived (up to
/// <see cref="MessagingOptions.BatchSize"/>), each batch in one transaction of the consumer's
/// database together with its inbox rows; the batch is acked (multiple) only after the commit. A
/// delivery whose event is already in the inbox changes nothing.</item>
/// <item>A handler that throws is handled as a subscription handles it: the deliveries before it are
/// applied and acked, it is retried alone with backoff, and after the last attempt it goes to
/// <c>dead_letters</c> with its inbox row, then it is acked.</item>
/// <item>What the broker itself gives up on (<c>x-delivery-limit</c>: the process died holding it,
/// again and again) arrives on the consumer's dead-letter queue and is moved into the same
/// <c>dead_letters</c> table, so operators list and redrive it the same way.</item>
/// <item>A broker failure ends the session; it backs off and consumes again. Whatever was delivered
/// and not acked is delivered again, and the inbox drops what was applied.</item>
/// </list>
/// </summary>
internal sealed partial class BrokerConsumer
{
    /// <summary>What <see cref="TryApplyAsync"/> answers when a held write may be what failed.</summary>
    private const int Unattributed = -2;

    /// <summary>How long asking for a replay may wait for the broker's confirm: milliseconds when it is well.</summary>
    private static readonly TimeSpan ReplayRequestPatience = TimeSpan.FromSeconds(30);

    private readonly ConsumerGroup _group;
    private readonly BrokerConnections _broker;
    private readonly MessagingOptions _options;
    private readonly TimeProvider _time;
    private readonly MessagingHooks? _hooks;
    private readonly ILogger _logger;
    private readonly IReadOnlyList<string> _storedTypes;
    private readonly ushort _prefetch;
    private readonly int _batchSize;
    private Dictionary<string, long> _appliedLocally = new(StringComparer.Ordinal);
    private long _inFlight;
    private long _applied;
    private long _duplicates;
    private volatile SubscriptionState _state = SubscriptionState.Starting;

    public BrokerConsumer(ConsumerGroup group, BrokerConnections broker, MessagingOptions options, TimeProvider time, MessagingHooks? hooks, ILogger logger)
    {
        _group = group;
        _broker = broker;
        _options = options;
        _time = time;
        _hooks = hooks;
        _logger = logger;
        _storedTypes = group.Upcasters.StoredTypesFor(group.Definition.Handlers.Keys);
        // Enough in hand to fill a batch while the previous one commits; bounded so one process never hoards a queue.
        _prefetch = (ushort)Math.Clamp(options.BatchSize * 2, 2, 500);
        // Half the prefetch: the broker keeps delivering the next batch while this one commits.
        _batchSize = Math.Min(options.BatchSize, _prefetch / 2);
    }

    public string Queue => _broker.Names.Queue(_group.Name);

    public SubscriptionState State => _state;

    /// <summary>Events this process has applied since it started.</summary>
    public long Applied => Interlocked.Read(ref _applied);

    public async Task RunAsync(CancellationToken ct)
    {
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            IChannel? channel = null;
            try
            {
                var connection = await _broker.ConsumingAsync(ct);
                channel = await connection.CreateChannelAsync(cancellationToken: ct);
                await DeclareAsync(channel, ct);
                await StartFromHistoryAsync(ct);
                _appliedLocally = await LoadLocalCursorsAsync(ct);

                var buffer = Channel.CreateUnbounded<Delivery>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
                channel.ChannelShutdownAsync += (_, e) =>
                {
                    buffer.Writer.TryComplete(new InvalidOperationException($"The channel to RabbitMQ closed: {e.ReplyText} ({e.ReplyCode})"));
                    return Task.CompletedTask;
                };
                await channel.BasicQosAsync(0, _prefetch, global: false, ct);
                await ConsumeAsync(channel, Queue, deadLettered: false, buffer.Writer, ct);
                await ConsumeAsync(channel, _broker.Names.DeadLetterQueue(_group.Name), deadLettered: true, buffer.Writer, ct);
                _state = SubscriptionState.Running;
                if (failures > 0)
                {
                    LogRecovered(_group.Name, failures);
                    failures = 0;
                }

                var batch = new List<Delivery>(_batchSize);
                while (await buffer.Reader.WaitToReadAsync(ct))
                {
                    batch.Clear();
                    while (batch.Count < _batchSize && buffer.Reader.TryRead(out var delivery))
                    {
                        batch.Add(delivery);
                    }

                    await ProcessAsync(channel, batch, ct);
                }

                // Completed without an error only when stopping.
                await buffer.Reader.Completion;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                failures++;
                _state = SubscriptionState.Faulted;
                var delay = _options.BackoffBefore(Math.Min(failures + 1, 10));
                LogFailed(ex, _group.Name, failures, delay);
                try
                {
                    await Task.Delay(delay, _time, ct);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
            finally
            {
                await Relay.CloseQuietlyAsync(channel);
                // The broker gives back whatever this session held unacked.
                Interlocked.Exchange(ref _inFlight, 0);
            }
        }

        _state = SubscriptionState.Stopped;
    }

    private async Task DeclareAsync(IChannel channel, CancellationToken ct)
    {
        var names = _broker.Names;
        await BrokerTopology.DeclareEventsAsync(channel, names, ct);
        foreach (var source in _group.Definition.Sources)
        {
            // So a replay request finds its queue even before the producer's relay first started.
            await BrokerTopology.DeclareReplayQueueAsync(channel, names, source, ct);
        }

        await BrokerTopology.DeclareConsumerAsync(channel, names, _group.Name, _storedTypes, _options.DeliveryLimit, ct);
    }

    private async Task ConsumeAsync(IChannel channel, string queue, bool deadLettered, ChannelWriter<Delivery> writer, CancellationToken ct)
    {
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, ea) =>
        {
            Interlocked.Increment(ref _inFlight);
            // The body's memory is the client's once this returns: copy it now.
            writer.TryWrite(new Delivery(ea.DeliveryTag, deadLettered, ea.RoutingKey, ea.BasicProperties, Encoding.UTF8.GetString(ea.Body.Span)));
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue, autoAck: false, consumer, ct);
    }

    /// <summary>
    /// The first time this consumer runs against a source (no cursor row yet), and it starts at the
    /// beginning, it asks the producer to replay its log into this queue: events relayed before the
    /// queue was bound are not lost to a consumer deployed after its producer. The queue is bound
    /// first, so everything after the replay's read arrives live; what arrives twice is dropped.
    /// </summary>
    private async Task StartFromHistoryAsync(CancellationToken ct)
    {
        var cursors = await LoadLocalCursorsAsync(ct);
        foreach (var source in _group.Definition.Sources.Where(s => !cursors.ContainsKey(s)))
        {
            if (_group.Definition.Start == StartPosition.Beginning)
            {
                // Asked outside any transaction: a broker that stalls must never hold the database's write
                // lock, which every writer of every instance of this service waits for. Two instances
                // starting at once both ask, and a crash before the cursor below is saved asks again on
                // the next start: the inbox drops the second copy of each event.
                using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
                bounded.CancelAfter(ReplayRequestPatience);
                await RequestReplayAsync([source], afterSequence: 0, fromTime: null, bounded.Token);
            }

            await _group.Gate.WaitAsync(ct);
            try
            {
                await using var tx = await _group.Database.BeginAsync(ct);
                if (await ConsumerStore.LoadCursorAsync(tx, _group.Name, source, ct) is null)
                {
                    await ConsumerStore.SaveCursorAsync(tx, _group.Name, source, 0, ct);
                    await tx.CommitAsync(ct);
                    LogFirstStart(_group.Name, source, _group.Definition.Start);
                }
            }
            finally
            {
                _group.Gate.Release();
            }
        }
    }

    /// <summary>
    /// Positions applied before this consumer moved to the broker (its cursors from the local
    /// transport): a delivery at or below one was applied then, and is dropped like a duplicate.
    /// </summary>
    private async Task<Dictionary<string, long>> LoadLocalCursorsAsync(CancellationToken ct)
    {
        var cursors = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var connection = await _group.Database.OpenReadAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT source, position FROM consumer_cursors WHERE consumer = @consumer";
        command.With("@consumer", _group.Name);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            cursors[reader.GetString(0)] = reader.GetInt64(1);
        }

        return cursors;
    }

    private async Task ProcessAsync(IChannel channel, List<Delivery> batch, CancellationToken ct)
    {
        var start = 0;
        for (var i = 0; i <= batch.Count; i++)
        {
            if (i < batch.Count && !batch[i].DeadLettered)
            {
                continue;
            }

            if (i > start)
            {
                await ApplyAsync(channel, batch.GetRange(start, i - start), ct);
            }

            if (i < batch.Count)
            {
                await MoveDeadLetterAsync(channel, batch[i], ct);
            }

            start = i + 1;
        }
    }

    private async Task ApplyAsync(IChannel channel, List<Delivery> deliveries, CancellationToken ct)
    {
        var items = deliveries.Select(Read).ToList();
        var waits = 0;
        while (items.Count > 0)
        {
            var (failedAt, failure) = await TryApplyAsync(items, gather: true, ct);
            if (failure is not null && _group.Database.Space.Refused(failure, _group.Database.Name))
            {
                // A full disk is no fault of these events': they stay unacked here (not redelivered,
                // so not counted against the delivery limit) and are applied again once there is space.
                _state = SubscriptionState.Faulted;
                await Task.Delay(_options.BackoffBefore(Math.Min(++waits + 1, 10)), _time, ct);
                continue;
            }

            if (waits > 0)
            {
                _state = SubscriptionState.Running;
                waits = 0;
            }

            if (failedAt == Unattributed)
            {
                // A write held back from an earlier handler may be what failed (it fails where it is
                // sent: a later read, the commit): apply again with each handler's writes sent at once.
                (failedAt, failure) = await TryApplyAsync(items, gather: false, ct);
            }

            if (failure is null)
            {
                await AckAsync(channel, items, ct);
                return;
            }

            // A handler failed: the batch rolled back. Apply what came before it, then isolate it.
            if (failedAt > 0)
            {
                var before = items.GetRange(0, failedAt);
                var (_, again) = await TryApplyAsync(before, gather: false, ct);
                if (again is not null)
                {
                    // Not deterministic: start over with what is left.
                    continue;
                }

                await AckAsync(channel, before, ct);
            }

            await IsolateAsync(channel, items[failedAt], failure, ct);
            items = items.GetRange(failedAt + 1, items.Count - failedAt - 1);
        }
    }

    private Item Read(Delivery delivery)
    {
        var (stored, traceParent, error) = BrokerMessage.Read(delivery);
        if (stored is null)
        {
            LogMalformed(_group.Name, Queue, error!);
            return new Item(delivery, null, null);
        }

        return new Item(delivery, _group.Upcasters.Apply(stored), traceParent);
    }

    /// <summary>
    /// Applies the items in one transaction with their inbox rows. With <paramref name="gather"/>, the
    /// handlers' writes that need no answer are held and sent with the next read or the commit (one
    /// round trip for many; PostgreSQL only).
    /// </summary>
    /// <returns>
    /// The index of the item whose handler threw and the error; <see cref="Unattributed"/> when a held
    /// write may be what failed; (-1, null) when committed.
    /// </returns>
    private async Task<(int FailedAt, Exception? Failure)> TryApplyAsync(List<Item> items, bool gather, CancellationToken ct)
    {
        var failedAt = -1;
        var held = false;
        await _group.Gate.WaitAsync(ct);
        try
        {
            await using var tx = await _group.Database.BeginAsync(ct);
            var inbox = tx.Batch();
            foreach (var item in items)
            {
                if (item.Event is { } stored)
                {
                    Inbox.Add(inbox, _group.Name, stored);
                }
            }

            var added = inbox.Count == 0 ? [] : await inbox.ExecuteAsync(ct);
            tx.GathersWrites = gather;
            var applied = 0;
            var duplicates = 0;
            for (int i = 0, row = 0; i < items.Count; i++)
            {
                if (items[i].Event is not { } stored)
                {
                    continue;
                }

                if (added[row++] == 0 || IsAppliedLocally(stored))
                {
                    duplicates++;
                    continue;
                }

                if (!Handles(stored))
                {
                    continue;
                }

                failedAt = i;
                held = tx.HoldsWrites;
                using (BrokerTelemetry.StartConsume(_group.Name, stored, items[i].TraceParent))
                {
                    await _group.DispatchAsync(stored, tx, ct);
                }

                applied++;
            }

            failedAt = -1;
            held = tx.HoldsWrites;
            if (_hooks?.BeforeCommit is { } beforeCommit)
            {
                await beforeCommit(_group.Name, ct);
            }

            await tx.CommitAsync(ct);
            Interlocked.Add(ref _applied, applied);
            Interlocked.Add(ref _duplicates, duplicates);
            return (-1, null);
        }
        catch (Exception ex) when (held && !ct.IsCancellationRequested)
        {
            return (Unattributed, ex);
        }
        catch (Exception ex) when (failedAt >= 0 && !ct.IsCancellationRequested)
        {
            return (failedAt, ex);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && StorageSpace.IsFullDisk(ex))
        {
            // The commit found the disk full: the caller waits for space.
            return (Unattributed, ex);
        }
        finally
        {
            _group.Gate.Release();
        }
    }

    private bool IsAppliedLocally(StoredEvent stored) =>
        _appliedLocally.TryGetValue(stored.Envelope.Source, out var position) && stored.Sequence <= position;

    private bool Handles(StoredEvent stored)
    {
        if (stored.UpcastFailure is not null || _group.Definition.Handlers.ContainsKey(stored.Envelope.Type))
        {
            return true;
        }

        // Bound once, no longer handled: the binding outlives the handler (bindings are only ever added).
        LogUnhandled(_group.Name, stored.Envelope.Type, stored.Envelope.EventId);
        return false;
    }

    private async Task IsolateAsync(IChannel channel, Item poison, Exception failure, CancellationToken ct)
    {
        var stored = poison.Event!;
        _state = SubscriptionState.Retrying;
        var attempts = 1;
        LogRetrying(failure, _group.Name, stored.Envelope.Type, stored.Envelope.EventId, attempts, _options.MaxAttempts);
        while (attempts < _options.MaxAttempts)
        {
            await Task.Delay(_options.BackoffBefore(attempts + 1), _time, ct);
            attempts++;
            var (_, again) = await TryApplyAsync([poison], gather: false, ct);
            if (again is null)
            {
                await AckAsync(channel, [poison], ct);
                _state = SubscriptionState.Running;
                return;
            }

            if (_group.Database.Space.Refused(again, _group.Database.Name))
            {
                // Not an attempt at the event: the disk is full. Wait for space without counting.
                attempts--;
                continue;
            }

            failure = again;
            LogRetrying(again, _group.Name, stored.Envelope.Type, stored.Envelope.EventId, attempts, _options.MaxAttempts);
        }

        await _group.Gate.WaitAsync(ct);
        try
        {
            await using var tx = await _group.Database.BeginAsync(ct);
            if (await Inbox.AddAsync(tx, _group.Name, stored, ct))
            {
                await ConsumerStore.AddDeadLetterAsync(tx, _group.Name, stored, attempts, failure, ct);
            }

            await tx.CommitAsync(ct);
        }
        finally
        {
            _group.Gate.Release();
        }

        await AckAsync(channel, [poison], ct);
        _state = SubscriptionState.Running;
        LogDeadLettered(failure, _group.Name, stored.Envelope.Type, stored.Envelope.EventId, stored.Sequence, attempts);
    }

    /// <summary>A message the broker dead-lettered after its delivery limit becomes a dead letter of ours, unless it was applied after all.</summary>
    private async Task MoveDeadLetterAsync(IChannel channel, Delivery delivery, CancellationToken ct)
    {
        var item = Read(delivery);
        if (item.Event is { } stored)
        {
            var error = new InvalidOperationException(
                $"RabbitMQ dead-lettered this event: it exceeded the delivery limit of queue '{Queue}' (x-delivery-limit {_options.DeliveryLimit}), "
                + "delivered that many times to a process that stopped or lost the broker before acknowledging it (a crash loop?). "
                + "Find the cause in the consumer's logs, fix it, then redrive this dead letter.");
            await _group.Gate.WaitAsync(ct);
            try
            {
                await using var tx = await _group.Database.BeginAsync(ct);
                if (await Inbox.AddAsync(tx, _group.Name, stored, ct))
                {
                    await ConsumerStore.AddDeadLetterAsync(tx, _group.Name, stored, _options.DeliveryLimit, error, ct);
                    LogBrokerDeadLettered(_group.Name, stored.Envelope.Type, stored.Envelope.EventId, _options.DeliveryLimit);
                }

                await tx.CommitAsync(ct);
            }
            finally
            {
                _group.Gate.Release();
            }
        }

        await AckAsync(channel, [item], ct);
    }

    private async Task AckAsync(IChannel channel, List<Item> items, CancellationToken ct)
    {
        // Deliveries are processed in tag order, so everything up to the last tag is done.
        await channel.BasicAckAsync(items[^1].Delivery.Tag, multiple: true, ct);
        Interlocked.Add(ref _inFlight, -items.Count);
    }

    /// <summary>Asks the producers of <paramref name="sources"/> to publish their logs again to this consumer's queue only.</summary>
    public async Task RequestReplayAsync(IEnumerable<string> sources, long afterSequence, DateTimeOffset? fromTime, CancellationToken ct)
    {
        var connection = await _broker.PublishingAsync(ct);
        var channel = await connection.CreateChannelAsync(Relay.ConfirmedChannel, ct);
        try
        {
            foreach (var source in sources)
            {
                var types = _storedTypes.Where(t => EventEnvelope.SourceOf(t) == source).ToList();
                var request = new ReplayRequest(_group.Name, Queue, types, afterSequence, fromTime);
                var body = JsonSerializer.SerializeToUtf8Bytes(request, BrokerJson.Default.ReplayRequest);
                await channel.BasicPublishAsync(_broker.Names.Control, BrokerNames.ReplayKey(source), mandatory: true,
                    new BasicProperties { Persistent = true, ContentType = "application/json", Type = "replay" }, body, ct);
                LogReplayRequested(_group.Name, source, afterSequence, fromTime);
            }
        }
        finally
        {
            await Relay.CloseQuietlyAsync(channel);
        }
    }

    /// <summary>
    /// Resets the consumer for a replay: in one transaction of its database, clears its state (its
    /// <see cref="IConsumerReset"/>), its inbox rows from the replay point on and its cursors; asks
    /// the producers to publish again to this queue only; then commits. The request is confirmed by
    /// the broker before the commit, so a reset never stands without its replay, and a refused reset
    /// (a hook that cannot roll back to a time) sends none. The consumer's gate is held throughout,
    /// so no delivery (replayed or live) is applied in between. The transaction waits for one
    /// confirm (milliseconds; bounded to 30 s): a rare operator action, not a hot path.
    /// </summary>
    public async Task ResetAsync(ReplayFrom from, CancellationToken ct)
    {
        var sources = _group.Definition.Sources.ToList();
        await _group.Gate.WaitAsync(ct);
        try
        {
            await using (var tx = await _group.Database.BeginAsync(ct))
            {
                await _group.ResetStateAsync(from, tx, ct);
                await Inbox.ForgetAsync(tx, _group.Name, from, ct);
                foreach (var source in sources)
                {
                    // Only positions applied by the local transport drop deliveries: none is left at or after the point.
                    var position = from is ReplayFrom.SequencePoint p
                        ? (p.Source == source ? Math.Min(_appliedLocally.GetValueOrDefault(source), p.Position - 1) : _appliedLocally.GetValueOrDefault(source))
                        : 0;
                    await ConsumerStore.SaveCursorAsync(tx, _group.Name, source, position, ct);
                }

                using var confirm = CancellationTokenSource.CreateLinkedTokenSource(ct);
                confirm.CancelAfter(ReplayRequestPatience);
                switch (from)
                {
                    case ReplayFrom.SequencePoint point:
                        await RequestReplayAsync([point.Source], point.Position - 1, null, confirm.Token);
                        break;
                    case ReplayFrom.TimePoint time:
                        await RequestReplayAsync(sources, 0, time.At, confirm.Token);
                        break;
                    default:
                        await RequestReplayAsync(sources, 0, null, confirm.Token);
                        break;
                }

                await tx.CommitAsync(ct);
            }

            _appliedLocally = await LoadLocalCursorsAsync(ct);
        }
        finally
        {
            _group.Gate.Release();
        }
    }

    /// <summary>The queue's depth (ready in the broker plus delivered here and not yet acked) as the lag.</summary>
    public async Task<SubscriptionStatus> StatusAsync(CancellationToken ct)
    {
        long ready = 0;
        var state = _state;
        try
        {
            var connection = await _broker.ConsumingAsync(ct);
            var channel = await connection.CreateChannelAsync(cancellationToken: ct);
            try
            {
                ready = (await channel.QueueDeclarePassiveAsync(Queue, ct)).MessageCount;
            }
            finally
            {
                await Relay.CloseQuietlyAsync(channel);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            state = SubscriptionState.Faulted;
        }

        var applied = Applied;
        var lag = ready + Math.Max(0, Interlocked.Read(ref _inFlight));
        return new SubscriptionStatus(_group.Name, string.Join(",", _group.Definition.Sources), applied, applied + lag, state, Queue, applied, Interlocked.Read(ref _duplicates));
    }

    private sealed record Item(Delivery Delivery, StoredEvent? Event, string? TraceParent);

    [LoggerMessage(Level = LogLevel.Information, Message = "Consumer {Consumer} reads {Source} through the broker for the first time (start at {Start})")]
    private partial void LogFirstStart(string consumer, string source, StartPosition start);

    [LoggerMessage(Level = LogLevel.Information, Message = "Consumer {Consumer} asked {Source} to replay after {After} (from {From}) into its queue")]
    private partial void LogReplayRequested(string consumer, string source, long after, DateTimeOffset? from);

    [LoggerMessage(Level = LogLevel.Error, Message = "Consumer {Consumer} lost the broker ({Failures} in a row); consuming again in {Delay}")]
    private partial void LogFailed(Exception error, string consumer, int failures, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Information, Message = "Consumer {Consumer} consumes again after {Failures} failures")]
    private partial void LogRecovered(string consumer, int failures);

    [LoggerMessage(Level = LogLevel.Error, Message = "Consumer {Consumer} dropped a message on {Queue} that BoxOffice did not publish: {Error}")]
    private partial void LogMalformed(string consumer, string queue, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Consumer {Consumer} received {Type} {EventId}, which it no longer handles; skipped (remove the stale binding)")]
    private partial void LogUnhandled(string consumer, string type, Guid eventId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Consumer {Consumer} failed on {Type} {EventId}, attempt {Attempt} of {MaxAttempts}")]
    private partial void LogRetrying(Exception error, string consumer, string type, Guid eventId, int attempt, int maxAttempts);

    [LoggerMessage(Level = LogLevel.Error, Message = "Consumer {Consumer} dead-lettered {Type} {EventId} (seq {Sequence}) after {Attempts} attempts")]
    private partial void LogDeadLettered(Exception error, string consumer, string type, Guid eventId, long sequence, int attempts);

    [LoggerMessage(Level = LogLevel.Error, Message = "Consumer {Consumer}: RabbitMQ dead-lettered {Type} {EventId} after {Limit} deliveries; it is in the dead letters")]
    private partial void LogBrokerDeadLettered(string consumer, string type, Guid eventId, int limit);
}

using BoxOffice.Messaging.EventLog;
using BoxOffice.Messaging.Storage;
using Microsoft.Extensions.Logging;

namespace BoxOffice.Messaging.Consuming;

/// <summary>What a subscription is doing.</summary>
public enum SubscriptionState
{
    /// <summary>Not started yet.</summary>
    Starting,

    /// <summary>Applying events or waiting for new ones.</summary>
    Running,

    /// <summary>Retrying an event that failed (it goes to the dead letters after the last attempt).</summary>
    Retrying,

    /// <summary>Reading or committing failed; it retries with backoff.</summary>
    Faulted,

    /// <summary>Stopped with the host.</summary>
    Stopped,

    /// <summary>A relay waiting: another process of the same service holds the lease and publishes the log.</summary>
    Standby,
}

/// <summary>Test seams: points where tests inject a failure the real world would cause.</summary>
internal sealed class MessagingHooks
{
    /// <summary>Runs after a batch was applied and the cursor written, just before the commit.</summary>
    public Func<string, CancellationToken, ValueTask>? BeforeCommit { get; set; }
}

/// <summary>
/// One consumer's subscription to one service's log: reads batches after its cursor and applies
/// each batch, with the cursor, in one transaction of the consumer's database.
/// </summary>
internal sealed partial class SubscriptionRunner(
    ConsumerGroup group,
    ServiceDatabase source,
    MessagingOptions options,
    TimeProvider time,
    MessagingHooks? hooks,
    ILogger logger)
{
    private readonly EventLogReader _reader = new(
        source,
        [.. group.Definition.Handlers.Values.Where(h => h.Source == source.Name).Select(h => h.WireName)],
        options.BatchSize,
        group.Upcasters);

    private readonly Signal _moved = new();
    private long _position = -1;
    private long _epoch;
    private volatile SubscriptionState _state = SubscriptionState.Starting;

    public ServiceDatabase Source => source;

    public string Consumer => group.Name;

    public long Position => Interlocked.Read(ref _position);

    public SubscriptionState State => _state;

    /// <summary>Called under the gate by a reset: the in-flight batch, if any, is dropped.</summary>
    public void MovedTo(long position)
    {
        Interlocked.Exchange(ref _position, position);
        Interlocked.Increment(ref _epoch);
        _moved.Notify();
    }

    public async Task RunAsync(CancellationToken ct)
    {
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (Position < 0)
                {
                    await InitializeAsync(ct);
                }

                // Take the wake-ups before reading, so a commit between the read and the wait still wakes us.
                var appended = source.Appended.Next;
                var moved = _moved.Next;
                var epoch = Interlocked.Read(ref _epoch);
                var position = Position;
                var batch = await _reader.ReadAsync(position, ct);
                if (batch.Events.Count == 0)
                {
                    // Nothing of ours up to the head: skip ahead in memory; the cursor row catches up with the next batch.
                    Interlocked.CompareExchange(ref _position, batch.NextPosition, position);
                    _state = SubscriptionState.Running;
                    failures = 0;
                    await WaitAsync(appended, moved, ct);
                    continue;
                }

                await ApplyAsync(batch, epoch, ct);
                failures = 0;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                failures++;
                _state = SubscriptionState.Faulted;
                // A full disk is said once by the storage watch; the batch waits for space, backing off.
                if (group.Database.Space.Refused(ex, group.Database.Name))
                {
                    LogWaitingForSpace(group.Name, source.Name, failures);
                }
                else
                {
                    LogFaulted(ex, group.Name, source.Name, failures);
                }

                try
                {
                    await Task.Delay(options.BackoffBefore(Math.Min(failures + 1, 10)), time, ct);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        _state = SubscriptionState.Stopped;
        await _reader.DisposeAsync();
    }

    private async Task InitializeAsync(CancellationToken ct)
    {
        await group.Gate.WaitAsync(ct);
        try
        {
            await using var tx = await group.Database.BeginAsync(ct);
            var stored = await ConsumerStore.LoadCursorAsync(tx, group.Name, source.Name, ct);
            if (stored is { } position)
            {
                Interlocked.Exchange(ref _position, position);
                return;
            }

            var start = group.Definition.Start == StartPosition.End ? await ConsumerStore.HeadAsync(source, ct) : 0;
            await ConsumerStore.SaveCursorAsync(tx, group.Name, source.Name, start, ct);
            await tx.CommitAsync(ct);
            Interlocked.Exchange(ref _position, start);
            LogStarted(group.Name, source.Name, start);
        }
        finally
        {
            group.Gate.Release();
        }
    }

    private async Task WaitAsync(Task appended, Task moved, CancellationToken ct)
    {
        try
        {
            await Task.WhenAny(appended, moved).WaitAsync(options.FallbackPoll, time, ct);
        }
        catch (TimeoutException)
        {
            // The fallback poll: a writer in another process does not signal this one.
        }
    }

    private async Task ApplyAsync(LogBatch batch, long epoch, CancellationToken ct)
    {
        var failedAt = -1;
        Exception? failure = null;
        await group.Gate.WaitAsync(ct);
        try
        {
            if (Interlocked.Read(ref _epoch) != epoch)
            {
                return;
            }

            try
            {
                await using var tx = await group.Database.BeginAsync(ct);
                for (var i = 0; i < batch.Events.Count; i++)
                {
                    failedAt = i;
                    await group.DispatchAsync(batch.Events[i], tx, ct);
                }

                failedAt = -1;
                await ConsumerStore.SaveCursorAsync(tx, group.Name, source.Name, batch.NextPosition, ct);
                if (hooks?.BeforeCommit is { } beforeCommit)
                {
                    await beforeCommit(group.Name, ct);
                }

                await tx.CommitAsync(ct);
                Interlocked.Exchange(ref _position, batch.NextPosition);
                _state = SubscriptionState.Running;
                group.Database.Metrics?.Applied(group.Name, source.Name, batch.Events.Count);
                return;
            }
            catch (Exception ex) when (failedAt >= 0 && !ct.IsCancellationRequested && !StorageSpace.IsFullDisk(ex))
            {
                // A handler failed: everything in the batch rolled back. Isolate the event below. A
                // full disk is no fault of the event's: it goes up, and the batch is tried again later.
                failure = ex;
            }
        }
        finally
        {
            group.Gate.Release();
        }

        await IsolateAsync(batch, failedAt, failure, epoch, ct);
    }

    private async Task IsolateAsync(LogBatch batch, int failedAt, Exception failure, long epoch, CancellationToken ct)
    {
        var poison = batch.Events[failedAt];
        if (failedAt > 0 && !await ApplyRangeAsync(batch.Events.Take(failedAt), poison.Sequence - 1, epoch, ct))
        {
            return;
        }

        _state = SubscriptionState.Retrying;
        var attempts = 1;
        LogRetrying(failure, group.Name, poison.Envelope.Type, poison.Envelope.EventId, attempts, options.MaxAttempts);
        while (attempts < options.MaxAttempts)
        {
            await Task.Delay(options.BackoffBefore(attempts + 1), time, ct);
            attempts++;
            try
            {
                await ApplyRangeAsync([poison], poison.Sequence, epoch, ct);
                _state = SubscriptionState.Running;
                return;
            }
            catch (Exception ex) when (!ct.IsCancellationRequested && !StorageSpace.IsFullDisk(ex))
            {
                // A full disk goes up (not an attempt at the event): the batch is read again once there is space.
                failure = ex;
                LogRetrying(ex, group.Name, poison.Envelope.Type, poison.Envelope.EventId, attempts, options.MaxAttempts);
            }
        }

        await group.Gate.WaitAsync(ct);
        try
        {
            if (Interlocked.Read(ref _epoch) != epoch)
            {
                return;
            }

            await using var tx = await group.Database.BeginAsync(ct);
            await ConsumerStore.AddDeadLetterAsync(tx, group.Name, poison, attempts, failure, ct);
            await ConsumerStore.SaveCursorAsync(tx, group.Name, source.Name, poison.Sequence, ct);
            await tx.CommitAsync(ct);
            Interlocked.Exchange(ref _position, poison.Sequence);
            _state = SubscriptionState.Running;
            LogDeadLettered(failure, group.Name, poison.Envelope.Type, poison.Envelope.EventId, poison.Sequence, attempts);
        }
        finally
        {
            group.Gate.Release();
        }
    }

    /// <returns>False when a reset moved the cursor meanwhile and nothing was applied.</returns>
    private async Task<bool> ApplyRangeAsync(IEnumerable<StoredEvent> events, long position, long epoch, CancellationToken ct)
    {
        await group.Gate.WaitAsync(ct);
        try
        {
            if (Interlocked.Read(ref _epoch) != epoch)
            {
                return false;
            }

            await using var tx = await group.Database.BeginAsync(ct);
            foreach (var stored in events)
            {
                await group.DispatchAsync(stored, tx, ct);
            }

            await ConsumerStore.SaveCursorAsync(tx, group.Name, source.Name, position, ct);
            await tx.CommitAsync(ct);
            Interlocked.Exchange(ref _position, position);
            return true;
        }
        finally
        {
            group.Gate.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Consumer {Consumer} starts reading {Source} after position {Position}")]
    private partial void LogStarted(string consumer, string source, long position);

    [LoggerMessage(Level = LogLevel.Error, Message = "Consumer {Consumer} failed to read or commit from {Source} ({Failures} in a row); retrying")]
    private partial void LogFaulted(Exception error, string consumer, string source, int failures);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Consumer {Consumer} waits for storage space to apply what it read from {Source} ({Failures} tries in a row)")]
    private partial void LogWaitingForSpace(string consumer, string source, int failures);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Consumer {Consumer} failed on {Type} {EventId}, attempt {Attempt} of {MaxAttempts}")]
    private partial void LogRetrying(Exception error, string consumer, string type, Guid eventId, int attempt, int maxAttempts);

    [LoggerMessage(Level = LogLevel.Error, Message = "Consumer {Consumer} dead-lettered {Type} {EventId} (seq {Sequence}) after {Attempts} attempts")]
    private partial void LogDeadLettered(Exception error, string consumer, string type, Guid eventId, long sequence, int attempts);
}

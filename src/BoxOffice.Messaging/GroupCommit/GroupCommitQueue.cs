using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;
using BoxOffice.Messaging.Operations;
using BoxOffice.Messaging.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BoxOffice.Messaging.GroupCommit;

/// <summary>
/// Group commit: many concurrent callers join a bounded queue and one writer drains it, taking up
/// to <c>maxBatch</c> requests per transaction of <c>database</c>. It loads the state the batch
/// needs once, decides each request in the order it joined against the state the requests before
/// it left, writes every change and publishes every event in that one transaction, commits, and
/// only then gives each caller its own result. One transaction (one fsync, one round trip of writes)
/// serves a whole batch, and no request is decided on stale state: batching changes the cost, never
/// the answer.
/// </summary>
/// <remarks>
/// A batch that fails to load, write or commit keeps nothing, and each of its callers gets a
/// <see cref="GroupCommitFailedException"/> (safe to retry) whose inner exception says why (a full
/// disk: <see cref="StorageSpace.IsFullDisk"/>). A request whose own <c>Decide</c> throws
/// fails alone: nothing of it was written yet, and the others go on. Requests still queued when the
/// queue stops fail the same way.
/// <para>Tracing: the writer runs on its own loop, not in the caller's flow, so each request keeps the
/// <see cref="Activity.Current"/> it joined with. The batch is one span (<c>group commit {database}</c>,
/// linked to every request's); each request decided in it gets a span of its own in the request's trace
/// (<c>append {database}</c>), which is <see cref="Activity.Current"/> while its events are published,
/// so an event's trace context (<see cref="Activity.Current"/> when
/// <see cref="EventLog.ServiceTransaction.Publish{T}"/> runs) is its request's.</para>
/// </remarks>
/// <typeparam name="TRequest">One caller's request.</typeparam>
/// <typeparam name="TState">What requests are decided on.</typeparam>
/// <typeparam name="TChange">The module's change type.</typeparam>
/// <typeparam name="TResult">What one caller gets back.</typeparam>
public sealed class GroupCommitQueue<TRequest, TState, TChange, TResult> : BackgroundService
{
    private readonly ServiceDatabase _database;
    private readonly IBatchDecider<TRequest, TState, TChange, TResult> _decider;
    private readonly int _maxBatch;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<Joined> _queue;
    private readonly string _batchSpanName;
    private readonly string _appendSpanName;

    /// <summary>Creates the queue; it drains once started as a hosted service.</summary>
    /// <param name="database">The database every batch is one transaction of.</param>
    /// <param name="decider">The use case.</param>
    /// <param name="capacity">Requests that may wait; <see cref="TryJoin"/> refuses more.</param>
    /// <param name="maxBatch">Most requests per transaction.</param>
    /// <param name="time">The clock the decisions see (one instant per batch).</param>
    /// <param name="logger">Where failed batches are logged.</param>
    public GroupCommitQueue(
        ServiceDatabase database,
        IBatchDecider<TRequest, TState, TChange, TResult> decider,
        int capacity,
        int maxBatch,
        TimeProvider time,
        ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(decider);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _database = database;
        _decider = decider;
        _maxBatch = maxBatch;
        _time = time;
        _logger = logger;
        _batchSpanName = "group commit " + database.Name;
        _appendSpanName = "append " + database.Name;
        // Not SingleReader: StopAsync drains what is left too, in case the writer never started.
        _queue = Channel.CreateBounded<Joined>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait });
    }

    /// <summary>
    /// Joins the queue. False when it is full (or stopped): nothing was decided, and the caller
    /// answers "try again later" (HTTP 503 with Retry-After) instead of waiting without bound.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <param name="result">Completes once the request's batch committed; faults with <see cref="GroupCommitFailedException"/> if it did not.</param>
    public bool TryJoin(TRequest request, [NotNullWhen(true)] out Task<TResult>? result)
    {
        var joined = new Joined(request);
        if (!_queue.Writer.TryWrite(joined))
        {
            result = null;
            return false;
        }

        result = joined.Done.Task;
        return true;
    }

    /// <summary>Requests waiting for the writer (an observable gauge reads it; it takes the queue's lock briefly).</summary>
    public int Depth => _queue.Reader.Count;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Joined>(_maxBatch);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var joined))
                {
                    batch.Add(joined);
                }

                await CommitAsync(batch, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is still queued was never decided.
        }
        finally
        {
            foreach (var joined in batch)
            {
                joined.Done.TrySetException(Stopped());
            }

            FailWhatIsLeft();
        }
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await base.StopAsync(cancellationToken);
        }
        finally
        {
            // A host stopped right after starting may cancel the writer before it ever ran (its
            // finally never runs then): nobody may be left waiting.
            FailWhatIsLeft();
        }
    }

    private void FailWhatIsLeft()
    {
        _queue.Writer.TryComplete();
        while (_queue.Reader.TryRead(out var left))
        {
            left.Done.TrySetException(Stopped());
        }
    }

    private async Task CommitAsync(List<Joined> batch, CancellationToken ct)
    {
        var verdicts = new Verdict<TChange, TResult>?[batch.Count];
        // Null unless something records BoxOffice.Messaging spans.
        var spans = MessagingActivities.Source.HasListeners() ? new Activity?[batch.Count] : null;
        using var batchSpan = spans is null ? null : StartBatchSpan(batch);
        try
        {
            await using var tx = await _database.BeginAsync(ct);
            var now = _time.GetUtcNow();
            var state = await _decider.LoadAsync(tx, [.. batch.Select(j => j.Request)], ct);
            var changes = new List<TChange>(batch.Count);
            for (var i = 0; i < batch.Count; i++)
            {
                Verdict<TChange, TResult> verdict;
                var next = state;
                try
                {
                    verdict = _decider.Decide(state, batch[i].Request, now);
                    foreach (var change in verdict.Decision.Changes)
                    {
                        next = _decider.Evolve(next, change);
                    }
                }
                catch (Exception ex)
                {
                    // Pure code threw for this request alone: nothing of it is written, and the
                    // requests after it are decided on the state before it.
                    GroupCommitLog.RequestFailed(_logger, ex);
                    batch[i].Done.TrySetException(new GroupCommitFailedException("Deciding the request failed; nothing of it was kept.", ex));
                    continue;
                }

                state = next;
                verdicts[i] = verdict;
                changes.AddRange(verdict.Decision.Changes);
                PublishInRequestContext(tx, batch[i], verdict, spans, i, batchSpan);
            }

            await _decider.WriteAsync(tx, changes, ct);
            await tx.CommitAsync(ct);
            StopSpans(spans, failure: null);
        }
        catch (Exception ex)
        {
            StopSpans(spans, ex);
            batchSpan?.SetStatus(ActivityStatusCode.Error, ex.Message);
            // A full disk is said once by the database's storage watch, not once per batch.
            if (!ct.IsCancellationRequested && !_database.Space.Refused(ex, _database.Name))
            {
                GroupCommitLog.BatchFailed(_logger, ex, batch.Count);
            }

            foreach (var joined in batch)
            {
                // One exception per caller: each await rethrows (and writes a stack trace into) its own.
                joined.Done.TrySetException(new GroupCommitFailedException("The request's group commit failed; nothing of it was kept.", ex));
            }

            ct.ThrowIfCancellationRequested();
            return;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            if (verdicts[i] is { } verdict)
            {
                batch[i].Done.TrySetResult(verdict.Result);
            }
        }
    }

    private Activity? StartBatchSpan(List<Joined> batch)
    {
        var links = new List<ActivityLink>(batch.Count);
        foreach (var joined in batch)
        {
            if (joined.Context is { } context)
            {
                links.Add(new ActivityLink(context.Context));
            }
        }

        var span = MessagingActivities.Source.StartActivity(ActivityKind.Internal, parentContext: default, links: links, name: _batchSpanName);
        span?.SetTag("messaging.batch.message_count", batch.Count);
        return span;
    }

    /// <summary>
    /// Publishes a request's events with <see cref="Activity.Current"/> set to the request's context:
    /// its own span when spans are recorded, else the request's activity itself (its trace context
    /// still travels with the events), and the batch's again afterwards.
    /// </summary>
    private void PublishInRequestContext(
        EventLog.ServiceTransaction tx, Joined joined, Verdict<TChange, TResult> verdict, Activity?[]? spans, int index, Activity? batchSpan)
    {
        if (joined.Context is null || verdict.Decision.Events.Count == 0)
        {
            tx.Publish(verdict.Decision.Events, verdict.CorrelationId);
            return;
        }

        var outer = Activity.Current;
        try
        {
            if (spans is not null)
            {
                var span = MessagingActivities.Source.StartActivity(
                    ActivityKind.Producer, parentContext: joined.Context.Context, name: _appendSpanName);
                if (span is not null)
                {
                    span.SetTag("messaging.system", MessagingActivities.System);
                    span.SetTag("messaging.operation.type", "create");
                    span.SetTag("messaging.destination.name", _database.Name);
                    span.SetTag("messaging.batch.message_count", verdict.Decision.Events.Count);
                    if (batchSpan is not null)
                    {
                        span.AddLink(new ActivityLink(batchSpan.Context));
                    }

                    spans[index] = span;
                }
            }

            if (spans?[index] is { } live)
            {
                Activity.Current = live;
            }
            else
            {
                // No span of ours: the caller's own trace, by id (its activity may have stopped by now,
                // and a stopped activity cannot be made current).
                tx.TraceParent = joined.Context.Id;
            }

            tx.Publish(verdict.Decision.Events, verdict.CorrelationId);
        }
        finally
        {
            tx.TraceParent = null;
            Activity.Current = outer;
        }
    }

    /// <summary>Ends each request's span once its batch committed (or failed): its duration includes the commit.</summary>
    private static void StopSpans(Activity?[]? spans, Exception? failure)
    {
        if (spans is null)
        {
            return;
        }

        var outer = Activity.Current;
        foreach (var span in spans)
        {
            if (span is null)
            {
                continue;
            }

            if (failure is not null)
            {
                span.SetStatus(ActivityStatusCode.Error, failure.Message);
            }

            span.Stop();
        }

        // Stop makes each span's parent current again; the writer's own context is what it was.
        Activity.Current = outer;
    }

    private static GroupCommitFailedException Stopped() => new("The queue stopped before the request was decided; nothing of it was kept.");

    private sealed class Joined(TRequest request)
    {
        public TRequest Request { get; } = request;

        /// <summary>The caller's activity when it joined (the HTTP request's), if any: the writer runs outside its flow.</summary>
        public Activity? Context { get; } = Activity.Current;

        public TaskCompletionSource<TResult> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

internal static partial class GroupCommitLog
{
    [LoggerMessage(Level = LogLevel.Error, Message = "A group commit of {Count} requests failed; each of them failed and nothing was kept")]
    public static partial void BatchFailed(ILogger logger, Exception error, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Deciding a request of a group commit failed; the others go on")]
    public static partial void RequestFailed(ILogger logger, Exception error);
}

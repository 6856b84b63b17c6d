using System.Threading.Channels;
using BoxOffice.Contracts.Tickets;
using BoxOffice.Messaging.EventLog;
using BoxOffice.Messaging.Storage;
using BoxOffice.Tickets.Buyers;
using BoxOffice.Tickets.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BoxOffice.Tickets.Reservations;

/// <summary>A reserve request waiting for the group commit; its payment token is already sealed (off the writer).</summary>
internal sealed record PendingReserve(
    Guid UserId,
    DateOnly? BirthDate,
    Guid TicketTypeId,
    int Quantity,
    string SealedPaymentToken,
    string? IdempotencyKey,
    string? RequestHash)
{
    public TaskCompletionSource<ReserveOutcome> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

internal abstract record ReserveOutcome
{
    public sealed record Accepted(Guid Id, ReservationStatus Status, DateTimeOffset ExpiresAt) : ReserveOutcome;

    /// <summary>Refused; <paramref name="Holds"/> and <paramref name="Limits"/> are set once the buyer's holds were looked at.</summary>
    public sealed record Refused(Refusal Why, TicketTypeState? Type, BuyerHolds? Holds = null, HoldLimits? Limits = null) : ReserveOutcome;

    public sealed record KeyReused : ReserveOutcome;

    public sealed record Unavailable : ReserveOutcome;
}

/// <summary>
/// The group commit of the accept path: reserve requests queue here (bounded: a full queue answers
/// 503) and one writer decides and commits up to <c>MaxBatch</c> of them per transaction. Each
/// request is still checked exactly — against the stock and holds as left by the requests before it
/// in the same transaction — so batching never oversells and never holds partially.
/// </summary>
internal sealed partial class AcceptQueue(
    [FromKeyedServices(TicketsModule.Database)] ServiceDatabase tickets,
    IOptions<TicketsOptions> options,
    TimeProvider time,
    ReservationLog reservationLog,
    ILogger<AcceptQueue> logger) : BackgroundService
{
    private readonly Channel<PendingReserve> _queue = Channel.CreateBounded<PendingReserve>(
        new BoundedChannelOptions(options.Value.AcceptQueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    /// <summary>False when the queue is full: the caller answers 503 with Retry-After.</summary>
    public bool TryEnqueue(PendingReserve request) => _queue.Writer.TryWrite(request);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<PendingReserve>(options.Value.MaxBatch);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                while (batch.Count < options.Value.MaxBatch && _queue.Reader.TryRead(out var request))
                {
                    batch.Add(request);
                }

                await CommitAsync(batch, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: requests still queued were never accepted; their callers get 503.
        }
        finally
        {
            _queue.Writer.TryComplete();
            while (_queue.Reader.TryRead(out var left))
            {
                left.Done.TrySetResult(new ReserveOutcome.Unavailable());
            }
        }
    }

    private async Task CommitAsync(List<PendingReserve> batch, CancellationToken ct)
    {
        try
        {
            var outcomes = await DecideAsync(batch, ct);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Done.TrySetResult(outcomes[i]);
            }
        }
        catch (Exception ex) when (batch.Count > 1 && !ct.IsCancellationRequested)
        {
            // Nothing of the batch was committed. Decide each request alone, so one bad request
            // cannot fail the others.
            LogBatchFailed(ex, batch.Count);
            foreach (var request in batch)
            {
                try
                {
                    request.Done.TrySetResult((await DecideAsync([request], ct))[0]);
                }
                catch (Exception single) when (!ct.IsCancellationRequested)
                {
                    LogRequestFailed(single);
                    request.Done.TrySetResult(new ReserveOutcome.Unavailable());
                }
            }
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            LogRequestFailed(ex);
            batch[0].Done.TrySetResult(new ReserveOutcome.Unavailable());
        }
    }

    private async Task<ReserveOutcome[]> DecideAsync(List<PendingReserve> batch, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var limits = new HoldLimits(options.Value.MaxPendingPerEvent, options.Value.MaxTicketsPerEvent);
        var outcomes = new ReserveOutcome[batch.Count];
        var types = new Dictionary<Guid, TicketTypeState?>();
        await using var tx = await tickets.BeginAsync(ct);
        for (var i = 0; i < batch.Count; i++)
        {
            outcomes[i] = await DecideAsync(tx, batch[i], types, limits, now, ct);
        }

        await tx.CommitAsync(ct);
        return outcomes;
    }

    private async Task<ReserveOutcome> DecideAsync(
        ServiceTransaction tx, PendingReserve request, Dictionary<Guid, TicketTypeState?> types, HoldLimits limits, DateTimeOffset now, CancellationToken ct)
    {
        // Before anything else, even a replayed key: a closed account's token no longer writes.
        if (await ClosedAccounts.IsClosedAsync(tx, request.UserId, ct))
        {
            return new ReserveOutcome.Refused(Refusal.AccountClosed, null);
        }

        if (request.IdempotencyKey is { } key && await FindByKeyAsync(tx, request, key, ct) is { } earlier)
        {
            return earlier;
        }

        if (!types.TryGetValue(request.TicketTypeId, out var type))
        {
            type = await TicketsStore.LoadTicketTypeAsync(tx, request.TicketTypeId, ct);
            types[request.TicketTypeId] = type;
        }

        var holds = type is null ? new BuyerHolds(0, 0) : await TicketsStore.LoadBuyerHoldsAsync(tx, request.UserId, type.EventId, ct);
        if (ReservationRules.CheckReserve(type, request.Quantity, request.BirthDate, holds, limits, now) is { } refusal)
        {
            return new ReserveOutcome.Refused(refusal, type, holds, limits);
        }

        var id = Guid.CreateVersion7(now);
        var expiresAt = now + options.Value.HoldDuration;
        // CheckReserve refused any total that does not fit; checked all the same, so a rule change can only fail loudly.
        var amount = checked(type!.Price * request.Quantity);
        var held = await tx.Command("UPDATE ticket_types SET held = held + @quantity WHERE id = @id AND capacity - held - sold >= @quantity")
            .With("@quantity", request.Quantity).With("@id", type.Id.ToString()).ExecuteNonQueryAsync(ct);
        if (held != 1)
        {
            throw new InvalidOperationException($"Ticket type {type.Id} had fewer tickets than its checked availability.");
        }

        types[type.Id] = type with { Held = type.Held + request.Quantity };
        await tx.Command("""
                INSERT INTO reservations (id, user_id, event_id, ticket_type_id, quantity, amount, currency, status, payment_status,
                    expires_at, created_at, updated_at, idempotency_key, request_hash)
                VALUES (@id, @user, @event, @type, @quantity, @amount, @currency, 'Pending', 'Processing',
                    @expires_at, @now, @now, @key, @hash)
                """)
            .With("@id", id.ToString()).With("@user", request.UserId.ToString()).With("@event", type.EventId.ToString())
            .With("@type", type.Id.ToString()).With("@quantity", request.Quantity).With("@amount", amount).With("@currency", type.Currency)
            .With("@expires_at", TicketsStore.Ms(expiresAt)).With("@now", TicketsStore.Ms(now))
            .With("@key", request.IdempotencyKey).With("@hash", request.RequestHash)
            .ExecuteNonQueryAsync(ct);
        tx.Publish(
            new TicketsHeld(id, request.UserId, type.EventId, type.Id, request.Quantity, amount, type.Currency, request.SealedPaymentToken, expiresAt),
            correlationId: id);
        // Logged once the group commit commits; a batch that fails is decided again one by one, and logs then.
        var quantity = request.Quantity;
        tx.OnCommitted(() => reservationLog.Accepted(id, quantity, type.Id, expiresAt));
        return new ReserveOutcome.Accepted(id, ReservationStatus.Pending, expiresAt);
    }

    /// <summary>The reservation an earlier request with this key made, or a refusal if its body differed.</summary>
    private static async Task<ReserveOutcome?> FindByKeyAsync(ServiceTransaction tx, PendingReserve request, string key, CancellationToken ct)
    {
        await using var reader = await tx.Command(
                "SELECT id, request_hash, status, expires_at FROM reservations WHERE user_id = @user AND idempotency_key = @key")
            .With("@user", request.UserId.ToString()).With("@key", key).ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        return reader.GetString(1) == request.RequestHash
            ? new ReserveOutcome.Accepted(Guid.Parse(reader.GetString(0)), Enum.Parse<ReservationStatus>(reader.GetString(2)), TicketsStore.At(reader.GetInt64(3)))
            : new ReserveOutcome.KeyReused();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A group commit of {Count} reserve requests failed; deciding them one by one")]
    private partial void LogBatchFailed(Exception error, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "A reserve request could not be committed")]
    private partial void LogRequestFailed(Exception error);
}

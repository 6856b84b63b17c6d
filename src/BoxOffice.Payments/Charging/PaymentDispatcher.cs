using BoxOffice.Messaging;
using BoxOffice.Messaging.Storage;
using BoxOffice.Payments.Gateway;
using BoxOffice.Payments.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BoxOffice.Payments.Charging;

/// <summary>Wakes the payment dispatcher.</summary>
internal sealed class DispatchSignal : WorkSignal;

/// <summary>
/// Makes the gateway calls that the database says are due: charges in Processing whose next
/// attempt has come, refunds in Refunding, intent cancels in Cancelling. Up to <see cref="PaymentsOptions.MaxInFlight"/> run at
/// once, never two for one payment. Each call is framed by two short transactions, recording the
/// attempt and then the answer with the event it causes, and is itself made outside any
/// transaction: it may take seconds, and SQLite's single write lock would hold up every other
/// writer of the database meanwhile. After a restart, the due rows are simply found again.
/// </summary>
internal sealed partial class PaymentDispatcher(
    [FromKeyedServices(PaymentsSchema.Database)] ServiceDatabase database,
    IServiceProvider services,
    DispatchSignal signal,
    IOptions<PaymentsOptions> options,
    TimeProvider time,
    ILogger<PaymentDispatcher> logger,
    WorkLoopServices loop) : WorkLoop("Dispatching due payments", loop)
{
    // Owned by the dispatch loop alone: calls in flight by reservation id.
    private readonly Dictionary<Guid, Task> _inFlight = [];
    private readonly PaymentsOptions _options = options.Value;

    protected override WorkSignal Signal => signal;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await base.ExecuteAsync(stoppingToken);

        // Calls cut short here are due again after a restart: their rows still say so.
        await Task.WhenAll(_inFlight.Values);
    }

    /// <summary>Starts the due calls that fit in the free slots; a call that finishes wakes the loop for more.</summary>
    protected override async Task<bool> DoDueWorkAsync(CancellationToken ct)
    {
        foreach (var done in _inFlight.Where(c => c.Value.IsCompleted).Select(c => c.Key).ToList())
        {
            _inFlight.Remove(done);
        }

        var free = _options.MaxInFlight - _inFlight.Count;
        if (free > 0)
        {
            // Ask for enough rows to fill every free slot even if all the calls in flight are among them.
            var due = await PaymentStore.DueAsync(database, time.GetUtcNow(), free + _inFlight.Count, ct);
            foreach (var payment in due.Where(p => !_inFlight.ContainsKey(p.ReservationId)).Take(free))
            {
                Start(payment, ct);
            }
        }

        return false;
    }

    private void Start(Payment payment, CancellationToken ct)
    {
        var call = Task.Run(() => DispatchAsync(payment, ct), CancellationToken.None);
        _inFlight.Add(payment.ReservationId, call);
        // A finished call frees a slot: look for more work at once (the continuation runs after
        // the task completed, so the loop sees it done).
        call.ContinueWith(static (_, s) => ((DispatchSignal)s!).Wake(), signal, CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task DispatchAsync(Payment due, CancellationToken ct)
    {
        try
        {
            var payment = await RecordAttemptAsync(due, ct);
            if (payment is null)
            {
                return;
            }

            var gateway = services.GetRequiredService<GatewayClient>();
            switch (payment.Status)
            {
                case PaymentStatus.Processing:
                {
                    var result = await gateway.ChargeAsync(payment, ct);
                    if (result is ChargeResult.Unknown unknown)
                    {
                        LogChargeUnknown(payment.ReservationId, payment.Attempts, unknown.Error);
                    }

                    await RecordAsync(payment.ReservationId, (p, now) => p.Charged(result, now, _options.MaxRetryDelay), ct);
                    break;
                }

                case PaymentStatus.Refunding:
                {
                    var result = await gateway.RefundAsync(payment, ct);
                    switch (result)
                    {
                        case RefundResult.Unknown unknown:
                            LogRefundUnknown(payment.ReservationId, payment.Attempts, unknown.Error);
                            break;
                        case RefundResult.Rejected rejected:
                            LogRefundRejected(payment.ReservationId, rejected.Message);
                            break;
                    }

                    await RecordAsync(payment.ReservationId, (p, now) => p.RefundAnswered(result, now, _options.MaxRetryDelay), ct);
                    break;
                }

                case PaymentStatus.Cancelling:
                {
                    var result = await gateway.CancelAsync(payment, ct);
                    switch (result)
                    {
                        case CancelResult.Unknown unknown:
                            LogCancelUnknown(payment.ReservationId, payment.Attempts, unknown.Error);
                            break;
                        case CancelResult.NotCancellable notCancellable:
                            LogNotCancellable(payment.ReservationId, notCancellable.Message);
                            break;
                        case CancelResult.Rejected rejected:
                            LogCancelRejected(payment.ReservationId, rejected.Message);
                            break;
                    }

                    await RecordAsync(payment.ReservationId, (p, now) => p.CancelAnswered(result, now, _options.MaxRetryDelay), ct);
                    break;
                }
            }

            Wrote();
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down; the row is due again after its backoff.
        }
        catch (Exception ex)
        {
            // The database failed us; the row says when to try again. A full disk is said once, not per payment.
            if (!RefusedForSpace(ex))
            {
                LogDispatchFailed(ex, due.ReservationId);
            }
        }
    }

    /// <summary>Counts the attempt; null when the payment is no longer due (someone settled it meanwhile).</summary>
    private async Task<Payment?> RecordAttemptAsync(Payment due, CancellationToken ct)
    {
        var decision = await PaymentStore.DecideAsync(
            database, due.ReservationId, (payment, now) => payment.StartAttempt(due.Status, now, _options.MaxRetryDelay), time, ct);
        return decision is { Changed: true } ? decision.Payment : null;
    }

    /// <summary>Applies the gateway's answer to the payment as it is now, with the event it causes, in one transaction.</summary>
    private Task RecordAsync(Guid reservationId, Func<Payment, DateTimeOffset, PaymentDecision> decide, CancellationToken ct) =>
        PaymentStore.DecideAsync(database, reservationId, decide, time, ct);

    [LoggerMessage(Level = LogLevel.Error, Message = "Dispatching the payment of reservation {ReservationId} failed; it is retried when due")]
    private partial void LogDispatchFailed(Exception error, Guid reservationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Charge for reservation {ReservationId} (attempt {Attempt}) has no known outcome ({Error}); it stays Processing and is retried with the same idempotency key")]
    private partial void LogChargeUnknown(Guid reservationId, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refund for reservation {ReservationId} (attempt {Attempt}) has no known outcome ({Error}); it is retried with the same idempotency key")]
    private partial void LogRefundUnknown(Guid reservationId, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cancelling the intent of reservation {ReservationId} (attempt {Attempt}) has no known outcome ({Error}); it is retried with the same idempotency key")]
    private partial void LogCancelUnknown(Guid reservationId, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "The intent of reservation {ReservationId} can no longer be cancelled ({Reason}): the buyer paid first; its webhook settles the payment and Tickets asks for the refund")]
    private partial void LogNotCancellable(Guid reservationId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "The gateway refused to cancel the intent of reservation {ReservationId}: {Reason}. It stays Cancelling and needs an operator")]
    private partial void LogCancelRejected(Guid reservationId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "The gateway refused the refund for reservation {ReservationId}: {Reason}. It stays Refunding and needs an operator")]
    private partial void LogRefundRejected(Guid reservationId, string reason);
}

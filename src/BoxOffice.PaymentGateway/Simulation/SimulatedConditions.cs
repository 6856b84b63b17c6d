using Microsoft.Extensions.Options;

namespace BoxOffice.PaymentGateway.Simulation;

/// <summary>
/// The simulated network and provider: log-normal latency, injected failures, 5xx bursts, an outage,
/// lost answers, and late, duplicated webhooks. Bursts and the outage are timed from the first call
/// of the payment API (<see cref="ClockStartedAt"/>), not from the simulator's start: a host may
/// take a while to start and get traffic, and a fault timed from its first payment lands in the
/// traffic however long that took. Every fault injected is counted (<see cref="Counts"/>).
/// </summary>
internal sealed class SimulatedConditions(IOptions<GatewayOptions> options)
{
    // z of the 99th percentile of the standard normal distribution.
    private const double P99Z = 2.326;

    private static readonly int[] BurstStatusCodes =
        [StatusCodes.Status500InternalServerError, StatusCodes.Status502BadGateway, StatusCodes.Status503ServiceUnavailable];

    private readonly Random _random = new();
    private readonly Lock _randomLock = new();
    private long _failures;
    private long _burstFailures;
    private long _outageRefusals;
    private long _lostAnswers;
    private long _webhooksDelayed;
    private long _webhooksDuplicated;
    private long _webhooksOutOfOrder;
    private long _duplicatesPending;

    // Unix milliseconds of the first payment API call; 0 until then.
    private long _clockStartedAt;

    // Read when used, not when created: the options are validated at start, after this is created.
    private GatewayOptions Settings => options.Value;

    public TimeSpan TimeoutDelay => TimeSpan.FromMilliseconds(Settings.TimeoutDelayMs);

    /// <summary>When bursts and the outage are timed from: the first payment API call; null before it.</summary>
    public DateTimeOffset? ClockStartedAt => Interlocked.Read(ref _clockStartedAt) is var ms and > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

    /// <summary>The outage's window, null when none is configured or before the first payment API call.</summary>
    public (DateTimeOffset From, DateTimeOffset Until)? Outage => Settings.OutageSeconds > 0 && ClockStartedAt is { } start
        ? (start.AddSeconds(Settings.OutageAfterSeconds), start.AddSeconds(Settings.OutageAfterSeconds + Settings.OutageSeconds))
        : null;

    /// <summary>Starts the faults' clock at the first payment API call; later calls leave it.</summary>
    public void StartClock(DateTimeOffset now) => Interlocked.CompareExchange(ref _clockStartedAt, Math.Max(1, now.ToUnixTimeMilliseconds()), 0);

    /// <summary>What was injected so far.</summary>
    public FaultCounts Counts => new(
        Interlocked.Read(ref _failures),
        Interlocked.Read(ref _burstFailures),
        Interlocked.Read(ref _outageRefusals),
        Interlocked.Read(ref _lostAnswers),
        Interlocked.Read(ref _webhooksDelayed),
        Interlocked.Read(ref _webhooksDuplicated),
        Interlocked.Read(ref _webhooksOutOfOrder));

    /// <summary>
    /// A log-normal sample whose median and 99th percentile are the configured ones. Capped at three
    /// times the p99 so that one sample far in the tail does not stall a demo.
    /// </summary>
    public TimeSpan NextLatency()
    {
        if (Settings.LatencyMedianMs <= 0)
        {
            return TimeSpan.Zero;
        }

        var sigma = Math.Log((double)Math.Max(Settings.LatencyP99Ms, Settings.LatencyMedianMs) / Settings.LatencyMedianMs) / P99Z;
        var ms = Settings.LatencyMedianMs * Math.Exp(sigma * NextStandardNormal());
        return TimeSpan.FromMilliseconds(Math.Min(ms, 3.0 * Math.Max(Settings.LatencyP99Ms, Settings.LatencyMedianMs)));
    }

    /// <summary>How long the outage still lasts at <paramref name="now"/>; null when the provider is up.</summary>
    public TimeSpan? OutageLeft(DateTimeOffset now) =>
        Outage is var (from, until) && now >= from && now < until ? until - now : null;

    /// <summary>The outage's answer to a call at <paramref name="now"/>, counted; null when the provider is up.</summary>
    public ApiResponse? RefuseInOutage(DateTimeOffset now)
    {
        if (OutageLeft(now) is not { } left)
        {
            return null;
        }

        Interlocked.Increment(ref _outageRefusals);
        return ApiResponse.Unavailable("Simulated outage: the payment service is down; nothing was done.", left);
    }

    /// <summary>The status code of a call failed by a 5xx burst under way at <paramref name="now"/>, counted; null outside bursts.</summary>
    public int? BurstFailure(DateTimeOffset now)
    {
        var every = Settings.FailureBurstEverySeconds;
        if (every <= 0 || Settings.FailureBurstSeconds <= 0)
        {
            return null;
        }

        if (ClockStartedAt is not { } start)
        {
            return null;
        }

        var elapsed = now - start;
        var period = TimeSpan.FromSeconds(every);
        if (elapsed < period || elapsed.Ticks % period.Ticks >= TimeSpan.FromSeconds(Settings.FailureBurstSeconds).Ticks)
        {
            return null;
        }

        Interlocked.Increment(ref _burstFailures);
        lock (_randomLock)
        {
            return BurstStatusCodes[_random.Next(BurstStatusCodes.Length)];
        }
    }

    public bool NextCallFails()
    {
        var fails = Roll(Settings.FailureRate);
        if (fails)
        {
            Interlocked.Increment(ref _failures);
        }

        return fails;
    }

    /// <summary>
    /// Whether the answer is lost for a call that has just executed, which is always the first call
    /// with its Idempotency-Key (repeats are answered from the stored response). Counted.
    /// </summary>
    public bool LosesAnswer(bool charged)
    {
        var lost = Settings.TimeoutOnFirstAttempt || (charged && Roll(Settings.TimeoutAfterChargeRate));
        if (lost)
        {
            Interlocked.Increment(ref _lostAnswers);
        }

        return lost;
    }

    /// <summary>How long a new webhook waits before its first attempt (counted when not zero).</summary>
    public TimeSpan NextWebhookDelay()
    {
        if (Settings.WebhookDelayMaxMs <= 0)
        {
            return TimeSpan.Zero;
        }

        int ms;
        lock (_randomLock)
        {
            ms = _random.Next(0, Settings.WebhookDelayMaxMs + 1);
        }

        if (ms > 0)
        {
            Interlocked.Increment(ref _webhooksDelayed);
        }

        return TimeSpan.FromMilliseconds(ms);
    }

    /// <summary>Whether a webhook just delivered is to be delivered once more, and after how long.</summary>
    public TimeSpan? NextDuplicate()
    {
        if (!Roll(Settings.WebhookDuplicateRate))
        {
            return null;
        }

        lock (_randomLock)
        {
            return TimeSpan.FromMilliseconds(_random.Next(0, Settings.WebhookDelayMaxMs + 1));
        }
    }

    /// <summary>Duplicates scheduled and not sent yet.</summary>
    public long DuplicatesPending => Interlocked.Read(ref _duplicatesPending);

    /// <summary>Counts a duplicate scheduled to be sent.</summary>
    public void DuplicateScheduled() => Interlocked.Increment(ref _duplicatesPending);

    /// <summary>Counts a duplicate sent, and delivered when the receiver accepted it.</summary>
    public void DuplicateSent(bool delivered)
    {
        Interlocked.Decrement(ref _duplicatesPending);
        if (delivered)
        {
            Interlocked.Increment(ref _webhooksDuplicated);
        }
    }

    /// <summary>Counts a webhook delivered after a later one about the same intent.</summary>
    public void DeliveredOutOfOrder() => Interlocked.Increment(ref _webhooksOutOfOrder);

    private bool Roll(double rate)
    {
        if (rate <= 0)
        {
            return false;
        }

        lock (_randomLock)
        {
            return _random.NextDouble() < rate;
        }
    }

    private double NextStandardNormal()
    {
        lock (_randomLock)
        {
            // Box-Muller; 1 - u keeps the logarithm's argument above zero.
            var u1 = 1.0 - _random.NextDouble();
            var u2 = _random.NextDouble();
            return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
        }
    }
}

/// <summary>The faults injected since the simulator started, by kind.</summary>
internal sealed record FaultCounts(
    long Failures,
    long BurstFailures,
    long OutageRefusals,
    long LostAnswers,
    long WebhooksDelayed,
    long WebhooksDuplicated,
    long WebhooksOutOfOrder);

/// <summary>
/// The provider's outage for pages a person opens (the challenge): answered 503 at once, before
/// anything is done.
/// </summary>
internal sealed class OutageFilter(SimulatedConditions conditions, TimeProvider time) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        conditions.RefuseInOutage(time.GetUtcNow()) ?? await next(context);
}

/// <summary>
/// Refuses each payment API call during the outage (at once: the provider's edge answers, nothing
/// behind it does), else delays it and fails it in a 5xx burst or at the failure rate, before
/// anything is done.
/// </summary>
internal sealed class SimulatedConditionsFilter(SimulatedConditions conditions, TimeProvider time) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        conditions.StartClock(time.GetUtcNow());
        if (conditions.RefuseInOutage(time.GetUtcNow()) is { } down)
        {
            return down;
        }

        var latency = conditions.NextLatency();
        if (latency > TimeSpan.Zero)
        {
            await Task.Delay(latency, time, context.HttpContext.RequestAborted);

            // The provider may have gone down meanwhile.
            if (conditions.RefuseInOutage(time.GetUtcNow()) is { } downSince)
            {
                return downSince;
            }
        }

        if (conditions.BurstFailure(time.GetUtcNow()) is { } status)
        {
            return ApiResponse.ServerError(status, "Simulated 5xx burst: nothing was done; retry with the same Idempotency-Key.");
        }

        return conditions.NextCallFails()
            ? ApiResponse.ApiError("Simulated failure: nothing was done; retry with the same Idempotency-Key.")
            : await next(context);
    }
}

/// <summary>
/// The answer that never comes: the work is done and stored, then the connection hangs and is
/// aborted, as when a provider's response is lost on the way back.
/// </summary>
internal sealed class LostAnswer(TimeSpan delay, TimeProvider time) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        try
        {
            await Task.Delay(delay, time, httpContext.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // The client gave up first; aborting below is still right.
        }

        httpContext.Abort();
    }
}

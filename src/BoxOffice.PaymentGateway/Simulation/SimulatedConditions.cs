using Microsoft.Extensions.Options;

namespace BoxOffice.PaymentGateway.Simulation;

/// <summary>The simulated network: log-normal latency, injected failures and lost answers.</summary>
internal sealed class SimulatedConditions(IOptions<GatewayOptions> options)
{
    // z of the 99th percentile of the standard normal distribution.
    private const double P99Z = 2.326;

    private readonly GatewayOptions _options = options.Value;
    private readonly Random _random = new();
    private readonly Lock _randomLock = new();

    public TimeSpan TimeoutDelay => TimeSpan.FromMilliseconds(_options.TimeoutDelayMs);

    /// <summary>
    /// A log-normal sample whose median and 99th percentile are the configured ones. Capped at three
    /// times the p99 so that one sample far in the tail does not stall a demo.
    /// </summary>
    public TimeSpan NextLatency()
    {
        if (_options.LatencyMedianMs <= 0)
        {
            return TimeSpan.Zero;
        }

        var sigma = Math.Log((double)Math.Max(_options.LatencyP99Ms, _options.LatencyMedianMs) / _options.LatencyMedianMs) / P99Z;
        var ms = _options.LatencyMedianMs * Math.Exp(sigma * NextStandardNormal());
        return TimeSpan.FromMilliseconds(Math.Min(ms, 3.0 * Math.Max(_options.LatencyP99Ms, _options.LatencyMedianMs)));
    }

    public bool NextCallFails() => Roll(_options.FailureRate);

    /// <summary>
    /// Whether the answer is lost for a call that has just executed, which is always the first call
    /// with its Idempotency-Key (repeats are answered from the stored response).
    /// </summary>
    public bool LosesAnswer(bool charged) =>
        _options.TimeoutOnFirstAttempt || (charged && Roll(_options.TimeoutAfterChargeRate));

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

/// <summary>Delays each payment API call and fails some of them before anything is done.</summary>
internal sealed class SimulatedConditionsFilter(SimulatedConditions conditions, TimeProvider time) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var latency = conditions.NextLatency();
        if (latency > TimeSpan.Zero)
        {
            await Task.Delay(latency, time, context.HttpContext.RequestAborted);
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

using BoxOffice.Web.Api;

namespace BoxOffice.Web.Operating;

/// <summary>
/// Events per second each subscription applied between two looks at the operators' page: the API
/// gives positions, a rate needs two of them. The last sample per subscription is kept in memory.
/// </summary>
internal sealed class ConsumerRates(TimeProvider time)
{
    private readonly Dictionary<(string, string), (long Position, DateTimeOffset At)> _last = [];
    private readonly Lock _gate = new();

    /// <summary>The rate since the last sample of this subscription, or null the first time.</summary>
    public double? Sample(Subscription subscription)
    {
        var now = time.GetUtcNow();
        var key = (subscription.Consumer, subscription.Source);
        lock (_gate)
        {
            _last.TryGetValue(key, out var before);
            _last[key] = (subscription.Position, now);
            var seconds = (now - before.At).TotalSeconds;
            return before.At == default || seconds <= 0 ? null : Math.Max(0, subscription.Position - before.Position) / seconds;
        }
    }
}

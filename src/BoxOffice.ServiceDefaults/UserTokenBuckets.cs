using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BoxOffice.ServiceDefaults;

/// <summary>
/// A token bucket per user with no timer: each bucket is refilled from the clock when its user asks.
/// ASP.NET Core's partitioned limiter replenishes every partition from a heartbeat that walks all of
/// them under one lock every 100 ms; in a flash sale, where every request is a different buyer, that
/// walk over hundreds of thousands of partitions held up every request (13 % of the host's busy thread
/// time in a trace of the accept benchmark). Here a request touches only its own bucket, and buckets
/// that are full again (the same as a new one) are dropped by an occasional sweep off the request path.
/// </summary>
internal sealed class UserTokenBuckets(IOptions<RateLimitOptions> options, TimeProvider time)
{
    private static readonly TimeSpan SweepEvery = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private readonly int _limit = options.Value.ReservationBurstPerUser;
    private readonly TimeSpan _perToken = TimeSpan.FromMinutes(1) / options.Value.ReservationsPerMinutePerUser;
    private long _nextSweep = time.GetUtcNow().Add(SweepEvery).UtcTicks;
    private int _sweeping;

    public int Count => _buckets.Count;

    /// <summary>Takes one token from <paramref name="key"/>'s bucket; false with the wait for the next one when it is empty.</summary>
    public bool TryTake(string key, out TimeSpan retryAfter)
    {
        var now = time.GetUtcNow().UtcTicks;
        while (true)
        {
            var bucket = _buckets.GetOrAdd(key, static (_, state) => new Bucket(state.Limit, state.Now), (Limit: (double)_limit, Now: now));
            lock (bucket)
            {
                if (bucket.Removed)
                {
                    continue;
                }

                Refill(bucket, now);
                if (bucket.Tokens >= 1)
                {
                    bucket.Tokens -= 1;
                    retryAfter = TimeSpan.Zero;
                    SweepWhenDue(now);
                    return true;
                }

                retryAfter = _perToken * (1 - bucket.Tokens);
                return false;
            }
        }
    }

    private void Refill(Bucket bucket, long now)
    {
        if (now > bucket.At)
        {
            bucket.Tokens = Math.Min(_limit, bucket.Tokens + ((double)(now - bucket.At) / _perToken.Ticks));
            bucket.At = now;
        }
    }

    private void SweepWhenDue(long now)
    {
        if (now < Interlocked.Read(ref _nextSweep) || Interlocked.Exchange(ref _sweeping, 1) == 1)
        {
            return;
        }

        Interlocked.Exchange(ref _nextSweep, now + SweepEvery.Ticks);
        _ = Task.Run(() =>
        {
            try
            {
                Sweep(time.GetUtcNow().UtcTicks);
            }
            finally
            {
                Volatile.Write(ref _sweeping, 0);
            }
        });
    }

    /// <summary>Drops the buckets that are full again; a user who asks later gets a new, equally full one.</summary>
    internal void Sweep(long now)
    {
        foreach (var (key, bucket) in _buckets)
        {
            lock (bucket)
            {
                Refill(bucket, now);
                if (bucket.Tokens >= _limit)
                {
                    bucket.Removed = true;
                    _buckets.TryRemove(KeyValuePair.Create(key, bucket));
                }
            }
        }
    }

    private sealed class Bucket(double tokens, long at)
    {
        public double Tokens { get; set; } = tokens;

        public long At { get; set; } = at;

        public bool Removed { get; set; }
    }
}

/// <summary>The per-user reservation cap on an endpoint.</summary>
public static class UserRateLimit
{
    /// <summary>
    /// Caps the endpoint's requests per authenticated user with a token bucket
    /// (<c>RateLimits:ReservationBurstPerUser</c>, <c>ReservationsPerMinutePerUser</c>); beyond it 429
    /// <c>rate-limited</c> with <c>Retry-After</c>, and the handler does not run.
    /// </summary>
    public static TBuilder RequireReservationRateLimit<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var buckets = http.RequestServices.GetRequiredService<UserTokenBuckets>();
            var key = http.User.FindFirstValue(BoxOfficeClaims.Subject) ?? "address:" + ClientAddress.Of(http);
            if (buckets.TryTake(key, out var wait))
            {
                return await next(context);
            }

            var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
            http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            return Problems.Result(ProblemTypes.RateLimited,
                string.Create(CultureInfo.InvariantCulture, $"Too many requests of this kind from you; nothing was done. Try again in {seconds} s."));
        });
        return builder;
    }
}

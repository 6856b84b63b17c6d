using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace BoxOffice.ServiceDefaults;

/// <summary>
/// Caps on what one caller can ask for (configuration section <c>RateLimits</c>): sign-ins and
/// registrations per client address, reservations per user. Beyond a cap the answer is 429
/// problem details (<c>rate-limited</c>) with <c>Retry-After</c>, and nothing is done.
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "RateLimits";

    /// <summary>Login attempts one client address may make per minute.</summary>
    [Range(1, 1_000_000)]
    public int LoginsPerMinutePerAddress { get; set; } = 20;

    /// <summary>Accounts one client address may register per hour.</summary>
    [Range(1, 1_000_000)]
    public int RegistrationsPerHourPerAddress { get; set; } = 10;

    /// <summary>Reserve requests one user may make at once before the steady rate applies (the bucket's size).</summary>
    [Range(1, 1_000_000)]
    public int ReservationBurstPerUser { get; set; } = 20;

    /// <summary>Reserve requests per minute one user gets back after the burst (the bucket's refill).</summary>
    [Range(1, 1_000_000)]
    public int ReservationsPerMinutePerUser { get; set; } = 20;
}

/// <summary>The rate-limit policies endpoints opt into, and their registration.</summary>
public static class RateLimits
{
    /// <summary>Sign-in attempts, per client address.</summary>
    public const string Login = "login";

    /// <summary>Account registrations, per client address.</summary>
    public const string Registration = "registration";

    /// <summary>
    /// Adds the two per-address policies and the per-user reservation buckets (<see cref="UserRateLimit"/>) with their caps from <c>RateLimits</c>, validated at start. The host
    /// calls <c>UseRateLimiter()</c> after authentication, so the per-user policy sees the user.
    /// </summary>
    public static IServiceCollection AddBoxOfficeRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<RateLimitOptions>()
            .Bind(configuration.GetSection(RateLimitOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddRateLimiter(_ => { });
        // Reservations per user: a token bucket, so a buyer can retry a few times at once (a refused
        // quantity, a double click) and a script cannot keep hammering the accept path. Not one of
        // the middleware's partitioned policies: see UserTokenBuckets.
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<UserTokenBuckets>();
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>>((limiter, configured) =>
        {
            var caps = configured.Value;
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = RejectAsync;
            limiter.AddPolicy(Login, http => RateLimitPartition.GetFixedWindowLimiter(Address(http), _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = caps.LoginsPerMinutePerAddress,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            }));
            limiter.AddPolicy(Registration, http => RateLimitPartition.GetFixedWindowLimiter(Address(http), _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = caps.RegistrationsPerHourPerAddress,
                Window = TimeSpan.FromHours(1),
                QueueLimit = 0,
            }));
        });
        return services;
    }

    private static string Address(HttpContext http) => ClientAddress.Of(http);

    private static async ValueTask RejectAsync(OnRejectedContext context, CancellationToken ct)
    {
        var http = context.HttpContext;
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await Problems.Result(ProblemTypes.RateLimited,
                string.Create(CultureInfo.InvariantCulture, $"Too many requests of this kind from you; nothing was done. Try again in {seconds} s."))
            .ExecuteAsync(http);
    }
}

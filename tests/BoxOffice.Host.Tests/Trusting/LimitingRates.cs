using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using BoxOffice.Host.Tests.Support;
using BoxOffice.ServiceDefaults;

namespace BoxOffice.Host.Tests.Trusting;

/// <summary>One caller gets no more than its caps: sign-ins and registrations per address, reservations per user.</summary>
public sealed class LimitingRates
{
    private static readonly RateLimitOptions Defaults = new();

    /// <summary>A host with the shipped per-address caps (TestApp raises them for every other test).</summary>
    private static Task<TestApp> StartWithDefaultCapsAsync() => TestApp.StartAsync(new Dictionary<string, string?>
    {
        ["RateLimits:RegistrationsPerHourPerAddress"] = Defaults.RegistrationsPerHourPerAddress.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["RateLimits:LoginsPerMinutePerAddress"] = Defaults.LoginsPerMinutePerAddress.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    [Fact]
    public async Task A_bot_making_1000_reserve_attempts_in_10_seconds_as_one_user_gets_no_more_than_its_cap_and_then_429()
    {
        await using var app = await TestApp.StartAsync();
        var (eventId, type) = await app.CreateEventAsync(capacity: 1_000, maxPerOrder: 1);
        using var bot = await app.BuyerAsync();
        var clock = Stopwatch.StartNew();

        var statuses = new List<HttpResponseMessage>();
        // A card that asks for an OTP: the accepted reservation stays Pending for the whole run. With one
        // that pays at once it could be Acquired within the 10 s, and the bot's next attempt rightly accepted
        // (the PostgreSQL twin did that in CI: 998 left).
        for (var wave = 0; wave < 20; wave++)
        {
            statuses.AddRange(await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => bot.ReserveAsync(type, 1, "tok_threeDSecureRequired"))));
        }

        var elapsed = clock.Elapsed;
        elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10), "the bot's 1,000 attempts must fit in 10 s for this test to mean anything");
        var limited = statuses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        var served = statuses.Count - limited.Count;
        // The bucket's size, plus what it refilled while the bot ran.
        var cap = Defaults.ReservationBurstPerUser + (int)Math.Ceiling(elapsed.TotalMinutes * Defaults.ReservationsPerMinutePerUser);
        served.ShouldBeLessThanOrEqualTo(cap);
        served.ShouldBeGreaterThan(0);
        limited.Count.ShouldBe(1_000 - served);
        // The wait for the next token, which refills every 60 s / ReservationsPerMinutePerUser, in whole seconds; the detail says the same.
        var retryAfter = (int)limited[0].Headers.RetryAfter.ShouldNotBeNull().Delta.ShouldNotBeNull().TotalSeconds;
        retryAfter.ShouldBeInRange(1, (int)Math.Ceiling(60.0 / Defaults.ReservationsPerMinutePerUser));
        (await limited[0].ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "rate-limited"))["detail"]!.GetValue<string>()
            .ShouldEndWith($"Try again in {retryAfter} s.");
        // What got through was decided as usual: one pending reservation per buyer and event.
        (await app.AvailableAsync(eventId)).ShouldBe(999);

        using var other = await app.BuyerAsync();
        (await other.ReserveAsync(type, 1)).StatusCode.ShouldBe(HttpStatusCode.Accepted, "another buyer is not limited by the bot");
    }

    [Fact]
    public async Task Sign_ins_beyond_the_cap_from_one_address_are_refused_with_429()
    {
        await using var app = await StartWithDefaultCapsAsync();
        using var anonymous = app.Client();

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i <= Defaults.LoginsPerMinutePerAddress; i++)
        {
            answers.Add(await anonymous.PostAsJsonAsync("/api/accounts/login",
                new { email = $"nobody-{i}@example.test", password = "Wrong-password-1" }, TestContext.Current.CancellationToken));
        }

        answers.Take(Defaults.LoginsPerMinutePerAddress).ShouldAllBe(a => a.StatusCode != HttpStatusCode.TooManyRequests);
        // A fixed one-minute window: the first request beyond it is told to wait the window's length.
        answers[^1].Headers.RetryAfter.ShouldNotBeNull().Delta.ShouldBe(TimeSpan.FromMinutes(1));
        (await answers[^1].ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "rate-limited"))["detail"]!.GetValue<string>().ShouldEndWith("Try again in 60 s.");
    }

    [Fact]
    public async Task Registrations_beyond_the_cap_from_one_address_are_refused_with_429_and_create_nothing()
    {
        await using var app = await StartWithDefaultCapsAsync();
        using var anonymous = app.Client();

        var emails = Enumerable.Range(0, Defaults.RegistrationsPerHourPerAddress + 1).Select(i => $"throwaway-{i}-{Guid.NewGuid():N}@example.test").ToList();
        var answers = new List<HttpResponseMessage>();
        foreach (var email in emails)
        {
            answers.Add(await anonymous.PostAsJsonAsync("/api/accounts/register",
                new { email, password = "Throwaway-pass-1", displayName = "Throwaway", birthDate = "1990-01-01" }, TestContext.Current.CancellationToken));
        }

        answers.Take(Defaults.RegistrationsPerHourPerAddress).ShouldAllBe(a => a.StatusCode == HttpStatusCode.Created);
        await answers[^1].ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "rate-limited");
        var lastLogin = await anonymous.PostAsJsonAsync("/api/accounts/login",
            new { email = emails[^1], password = "Throwaway-pass-1" }, TestContext.Current.CancellationToken);
        lastLogin.StatusCode.ShouldNotBe(HttpStatusCode.OK, "the refused registration created no account");
    }
}

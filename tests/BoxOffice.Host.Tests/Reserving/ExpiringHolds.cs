using System.Globalization;
using System.Net;
using BoxOffice.Host.Tests.Support;
using BoxOffice.Testing;
using Microsoft.Extensions.Time.Testing;

namespace BoxOffice.Host.Tests.Reserving;

/// <summary>
/// Holds lapse by the injected clock, sooner while the buyer's OTP is awaited; a hold that lapses
/// then cancels the gateway's intent, so the challenge can no longer take the money.
/// </summary>
public sealed class ExpiringHolds
{
    // The fake clock starts in the past so that, moved forward past the hold, it is still within a few
    // minutes of the gateway's real clock (its webhook signatures are dated by it).
    private static FakeTimeProvider Clock() => new(DateTimeOffset.UtcNow.AddMinutes(-12));

    [Fact]
    public async Task A_hold_waiting_on_the_buyers_OTP_lapses_after_three_minutes_and_its_challenge_then_charges_nothing()
    {
        // Close to the real clock: the gateway signs its webhooks with that one.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(-2));
        await using var app = await TestApp.StartAsync(time: clock);
        var (eventId, type) = await app.CreateEventAsync(capacity: 10);
        using var buyer = await app.BuyerAsync();
        var id = await buyer.ReserveAcceptedAsync(type, 3, "tok_threeDSecureRequired");
        var waiting = await buyer.UntilAsync(id, r => r.PaymentStatus() == "RequiresAction", "the payment asks for the challenge");
        waiting["expiresAt"]!.GetValue<DateTimeOffset>().ShouldBe(clock.GetUtcNow().AddMinutes(3), tolerance: TimeSpan.FromMilliseconds(1));
        (await app.AvailableAsync(eventId)).ShouldBe(7);

        clock.Advance(TimeSpan.FromMinutes(3) - TimeSpan.FromSeconds(1));
        (await buyer.ReservationAsync(id)).Status().ShouldBe("Pending");
        clock.Advance(TimeSpan.FromSeconds(2));
        // The expiry loop sleeps on the fake clock; one that was busy when the clock jumped sleeps again
        // from the new time. Let time go on moving while waiting (as a real clock does), 20 ms per poll.
        var expired = await Eventually.HoldsAsync(
            async () =>
            {
                clock.Advance(TimeSpan.FromMilliseconds(20));
                return await buyer.ReservationAsync(id);
            },
            r => r.Status() == "Expired", "the hold expires", TimeSpan.FromSeconds(20));
        expired["tickets"]!.AsArray().ShouldBeEmpty();
        (await app.AvailableAsync(eventId)).ShouldBe(10);

        // Payments cancels the gateway's intent: the buyer's late answer takes no money.
        var intent = Webhooks.IntentId(waiting);
        await Eventually.HoldsAsync(async () => await app.IntentStatusAsync(intent) == "canceled", "the gateway's intent is cancelled");
        using var browser = new HttpClient();
        using var answer = await browser.PostAsync(new Uri(waiting["challengeUrl"]!.GetValue<string>()), new FormUrlEncodedContent([new("code", "123456")]), TestContext.Current.CancellationToken);
        answer.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await answer.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).ShouldContain("Payment cancelled");

        (await app.IntentStatusAsync(intent)).ShouldBe("canceled");
        (await app.LedgerAsync(id)).ShouldBeEmpty();
        var after = await buyer.ReservationAsync(id);
        after.Status().ShouldBe("Expired");
        after.PaymentStatus().ShouldNotBe("Refunded");
        after["challengeUrl"].ShouldBeNull("a final reservation offers no challenge to answer");
        (await app.AvailableAsync(eventId)).ShouldBe(10);
    }

    [Fact]
    public async Task A_hold_whose_payment_is_still_processing_keeps_its_ten_minutes()
    {
        var clock = Clock();
        // Every charge fails with a 500: the payment stays Processing, retried, and never asks for a challenge.
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?> { ["PaymentGateway:FailureRate"] = "1" }, time: clock);
        var (eventId, type) = await app.CreateEventAsync(capacity: 10);
        using var buyer = await app.BuyerAsync();
        var id = await buyer.ReserveAcceptedAsync(type, 2, "tok_threeDSecureRequired");
        var pending = await buyer.ReservationAsync(id);
        pending.PaymentStatus().ShouldBe("Processing");
        pending["expiresAt"]!.GetValue<DateTimeOffset>().ShouldBe(clock.GetUtcNow().AddMinutes(10), tolerance: TimeSpan.FromMilliseconds(1));

        clock.Advance(TimeSpan.FromMinutes(3) + TimeSpan.FromSeconds(1));
        (await buyer.ReservationAsync(id)).Status().ShouldBe("Pending");
        clock.Advance(TimeSpan.FromMinutes(7));
        await buyer.UntilAsync(id, r => r.Status() == "Expired", "the hold expires after ten minutes", seconds: 10);
        (await app.AvailableAsync(eventId)).ShouldBe(10);
    }

    [Fact]
    public async Task A_hold_ends_exactly_at_its_acceptance_plus_the_hold_duration_and_not_a_tick_before()
    {
        // On a whole millisecond (the store keeps milliseconds), so acceptance and expiry are exact instants.
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.AddMinutes(-12).ToUnixTimeMilliseconds()));
        // Every charge fails with a 500: the payments stay Processing, and the holds keep the full ten minutes.
        var settings = new Dictionary<string, string?> { ["PaymentGateway:FailureRate"] = "1" };
        using var folder = new TempDirectory("host");
        Guid eventId, earlier, held;
        string earlierToken, token;
        DateTimeOffset acceptedAt, endsAt;
        await using (var app = await TestApp.StartAsync(settings, time: clock, dataDirectory: folder.Path))
        {
            Guid type;
            (eventId, type) = await app.CreateEventAsync(capacity: 10);
            using var other = await app.BuyerAsync();
            using var buyer = await app.BuyerAsync();
            earlierToken = other.DefaultRequestHeaders.Authorization!.Parameter!;
            token = buyer.DefaultRequestHeaders.Authorization!.Parameter!;
            // A hold accepted a millisecond earlier ends a millisecond earlier: its expiry shows a sweep has run.
            earlier = await other.ReserveAcceptedAsync(type, 1);
            clock.Advance(TimeSpan.FromMilliseconds(1));
            acceptedAt = clock.GetUtcNow();
            held = await buyer.ReserveAcceptedAsync(type, 2);
            endsAt = (await buyer.ReservationAsync(held))["expiresAt"]!.GetValue<DateTimeOffset>();
        }

        endsAt.ShouldBe(acceptedAt + TimeSpan.FromMinutes(10));

        // The sweep runs first thing at start-up, by the (stopped) clock: one tick before the end it takes
        // the earlier hold and leaves this one.
        clock.Advance(endsAt - clock.GetUtcNow() - TimeSpan.FromTicks(1));
        await using (var app = await TestApp.StartAsync(settings, time: clock, dataDirectory: folder.Path))
        {
            using var other = app.Client(earlierToken);
            using var buyer = app.Client(token);
            await other.UntilAsync(earlier, r => r.Status() == "Expired", "the earlier hold expires", seconds: 20);
            (await buyer.ReservationAsync(held)).Status().ShouldBe("Pending");
            (await app.AvailableAsync(eventId)).ShouldBe(8);
        }

        // At the end itself, it expires, and the change is dated then.
        clock.Advance(TimeSpan.FromTicks(1));
        await using var last = await TestApp.StartAsync(settings, time: clock, dataDirectory: folder.Path);
        using var same = last.Client(token);
        await same.UntilAsync(held, r => r.Status() == "Expired", "the hold expires at its end", seconds: 20);
        Convert.ToInt64(await last.ScalarAsync("tickets", $"SELECT updated_at FROM reservations WHERE id = '{held}'"), CultureInfo.InvariantCulture)
            .ShouldBe(endsAt.ToUnixTimeMilliseconds());
        (await last.AvailableAsync(eventId)).ShouldBe(10);
    }

    [Fact]
    public async Task Holds_that_became_overdue_while_the_host_was_down_expire_at_start_up()
    {
        var clock = Clock();
        using var folder = new TempDirectory("host");
        var data = folder.Path;
        Guid id, eventId;
        string token;
        await using (var before = await TestApp.StartAsync(time: clock, dataDirectory: data))
        {
            Guid type;
            (eventId, type) = await before.CreateEventAsync(capacity: 5);
            using var buyer = await before.BuyerAsync();
            token = buyer.DefaultRequestHeaders.Authorization!.Parameter!;
            id = await buyer.ReserveAcceptedAsync(type, 2, "tok_threeDSecureRequired");
            await buyer.UntilAsync(id, r => r.PaymentStatus() == "RequiresAction", "the payment asks for the challenge");
        }

        clock.Advance(TimeSpan.FromMinutes(11));
        await using var after = await TestApp.StartAsync(time: clock, dataDirectory: data);
        using var same = after.Client(token);
        await same.UntilAsync(id, r => r.Status() == "Expired", "the overdue hold expires after the restart", seconds: 10);
        (await after.AvailableAsync(eventId)).ShouldBe(5);
    }

    [Fact]
    public async Task Sales_close_when_the_event_starts()
    {
        var clock = Clock();
        await using var app = await TestApp.StartAsync(time: clock);
        var (eventId, type) = await app.CreateEventAsync(capacity: 10, startsAt: clock.GetUtcNow().AddMinutes(30));
        using var buyer = await app.BuyerAsync();

        clock.Advance(TimeSpan.FromMinutes(31));

        await (await buyer.ReserveAsync(type, 1)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "sales-closed");
        (await app.AvailableAsync(eventId)).ShouldBe(10);
    }
}

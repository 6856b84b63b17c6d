using System.Net;
using BoxOffice.Chaos.Tests.Support;
using BoxOffice.Host.Tests.Support;
using BoxOffice.Testing;
using Microsoft.Extensions.Time.Testing;

namespace BoxOffice.Chaos.Tests.Embedded;

/// <summary>
/// The end of a hold raced, many times at once, by the buyer's late payment (the OTP challenge
/// answered) and by the buyer's cancel, on a fake clock that jumps past every hold at a random moment
/// among them. Whoever wins, the reservation ends in one final state, and money taken for a
/// reservation that did not win is given back once: the invariant check holds.
/// </summary>
public sealed class RacingTheEndOfAHold
{
    /// <summary>How many reservations race: 100 in CI, 1,000 at full size; <c>BOXOFFICE_HOLD_RACES</c> sets it.</summary>
    private static readonly int Races = ChaosSize.Of("BOXOFFICE_HOLD_RACES", ci: 100, full: 1000);

    [Fact]
    public async Task Expiry_a_late_payment_and_a_cancel_racing_leave_one_final_state_and_every_invariant_holding()
    {
        var ct = TestContext.Current.CancellationToken;
        var seed = Random.Shared.Next();
        var random = new Random(seed);
        // Close to the real clock: the gateway signs its webhooks with that one, and Payments checks
        // their age against this one. One jump of a little over three minutes keeps them close.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(-2));
        await using var app = await TestApp.StartAsync(time: clock);
        var (_, type) = await app.CreateEventAsync(capacity: Races, maxPerOrder: 1);
        using var organizer = await app.OrganizerAsync();

        var buyers = new List<HttpClient>();
        for (var i = 0; i < Races; i++)
        {
            buyers.Add(await app.BuyerAsync());
        }

        var ids = await Task.WhenAll(buyers.Select(b => b.ReserveAcceptedAsync(type, 1, "tok_threeDSecureRequired")));
        var challenges = await Task.WhenAll(buyers.Select(async (b, i) =>
            new Uri((await b.UntilAsync(ids[i], r => r.PaymentStatus() == "RequiresAction", "the payment asks for the challenge", seconds: 60))["challengeUrl"]!.GetValue<string>())));

        // Each reservation: the challenge answered, a cancel, both at once, or neither (left to expire).
        var plans = Enumerable.Range(0, Races).Select(_ => (Pay: random.Next(2) == 0, Cancel: random.Next(2) == 0, After: random.Next(0, 1000))).ToList();
        using var browser = new HttpClient();
        var paid = new bool[Races];
        var racers = plans.Select(async (plan, i) =>
        {
            await Task.Delay(plan.After, ct);
            var pay = plan.Pay ? Answer(browser, challenges[i], paid, i) : Task.CompletedTask;
            var cancel = plan.Cancel ? buyers[i].DeleteAsync(new Uri($"/api/reservations/{ids[i]}", UriKind.Relative), ct) : Task.CompletedTask;
            await Task.WhenAll(pay, cancel);
        }).ToList();
        // The holds end somewhere in the middle of the answers and cancels: some land before, some after.
        await Task.Delay(random.Next(200, 800), ct);
        clock.Advance(TimeSpan.FromMinutes(3) + TimeSpan.FromSeconds(1));
        await Task.WhenAll(racers);

        var why = $"seed {seed}, {Races} races";
        // Time goes on moving while waiting, as a real clock does: the expiry loop sleeps on this one.
        var finals = await Eventually.HoldsAsync(
            async () =>
            {
                clock.Advance(TimeSpan.FromMilliseconds(20));
                return await Task.WhenAll(buyers.Select((b, i) => b.ReservationAsync(ids[i])));
            },
            all => all.All(r => r.Status() != "Pending"), $"every reservation is final ({why})", TimeSpan.FromSeconds(60));

        for (var i = 0; i < Races; i++)
        {
            var status = finals[i].Status();
            // Only an answered challenge can buy; only a cancel can cancel; the rest expire.
            status.ShouldBeOneOf(["Acquired", "Cancelled", "Expired"], $"{ids[i]} ({why})");
            if (status == "Acquired")
            {
                paid[i].ShouldBeTrue($"{ids[i]} was acquired without its challenge answered ({why})");
            }

            if (status == "Cancelled")
            {
                plans[i].Cancel.ShouldBeTrue($"{ids[i]} was cancelled without a cancel ({why})");
            }
        }

        foreach (var consumer in new[] { "payments", "notifications", "loyalty", "recommendations" })
        {
            await TestApp.CaughtUpAsync(organizer, consumer);
        }

        await Eventually.HoldsAsync(
            async () =>
            {
                clock.Advance(TimeSpan.FromMilliseconds(20));
                return await TestApp.Json(await organizer.GetAsync(new Uri("/api/admin/invariants", UriKind.Relative), ct));
            },
            r => r["holds"]!.GetValue<bool>(), $"every invariant holds ({why})", TimeSpan.FromSeconds(60));
        var ledger = (await Task.WhenAll(ids.Select(app.LedgerAsync))).SelectMany(l => l).Select(e => e!["kind"]!.GetValue<string>()).ToList();
        // Every challenge the gateway accepted took the money once; what did not buy tickets came back.
        ledger.Count(k => k == "charge").ShouldBe(paid.Count(p => p), why);
        (ledger.Count(k => k == "charge") - ledger.Count(k => k == "refund")).ShouldBe(finals.Count(r => r.Status() == "Acquired"), why);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{why}: {finals.Count(r => r.Status() == "Acquired")} acquired, {finals.Count(r => r.Status() == "Cancelled")} cancelled, "
            + $"{finals.Count(r => r.Status() == "Expired")} expired; {paid.Count(p => p)} challenges accepted by the gateway; "
            + $"ledger: {ledger.Count(k => k == "charge")} charges, {ledger.Count(k => k == "refund")} refunds");
        foreach (var buyer in buyers)
        {
            buyer.Dispose();
        }
    }

    /// <summary>Answers the challenge; the gateway accepting it (a 200) means the card was charged.</summary>
    private static async Task Answer(HttpClient browser, Uri challenge, bool[] paid, int index)
    {
        using var answer = await browser.PostAsync(challenge, new FormUrlEncodedContent([new("code", "123456")]), TestContext.Current.CancellationToken);
        paid[index] = answer.StatusCode == HttpStatusCode.OK;
    }
}

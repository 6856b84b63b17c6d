using System.Net;
using BoxOffice.Host.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace BoxOffice.Host.Tests.Reserving;

/// <summary>Holds lapse by the injected clock; a payment landing after that is refunded, never revives the hold.</summary>
public sealed class ExpiringHolds
{
    // The fake clock starts in the past so that, moved forward past the hold, it is still within a few
    // minutes of the gateway's real clock (its webhook signatures are dated by it).
    private static FakeTimeProvider Clock() => new(DateTimeOffset.UtcNow.AddMinutes(-12));

    [Fact]
    public async Task A_hold_expires_when_its_time_passes_and_a_late_payment_is_refunded()
    {
        var clock = Clock();
        await using var app = await TestApp.StartAsync(time: clock);
        var (eventId, type) = await app.CreateEventAsync(capacity: 10);
        using var buyer = await app.BuyerAsync();
        var id = await buyer.ReserveAcceptedAsync(type, 3, "tok_threeDSecureRequired");
        var waiting = await buyer.UntilAsync(id, r => r.PaymentStatus() == "RequiresAction", "the payment asks for the challenge");
        (await app.AvailableAsync(eventId)).ShouldBe(7);

        clock.Advance(TimeSpan.FromMinutes(9));
        (await buyer.ReservationAsync(id)).Status().ShouldBe("Pending");
        clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        var expired = await buyer.UntilAsync(id, r => r.Status() == "Expired", "the hold expires", seconds: 10);
        expired["tickets"]!.AsArray().ShouldBeEmpty();
        (await app.AvailableAsync(eventId)).ShouldBe(10);

        using var browser = new HttpClient();
        (await browser.PostAsync(new Uri(waiting["challengeUrl"]!.GetValue<string>()), new FormUrlEncodedContent([new("code", "123456")]), TestContext.Current.CancellationToken))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        var refunded = await buyer.UntilAsync(id, r => r.PaymentStatus() == "Refunded", "the late payment is refunded");

        refunded.Status().ShouldBe("Expired");
        (await app.AvailableAsync(eventId)).ShouldBe(10);
        var ledger = await app.LedgerAsync(id);
        ledger.Count(e => e!["kind"]!.GetValue<string>() == "charge").ShouldBe(1);
        ledger.Count(e => e!["kind"]!.GetValue<string>() == "refund").ShouldBe(1);
    }

    [Fact]
    public async Task Holds_that_became_overdue_while_the_host_was_down_expire_at_start_up()
    {
        var clock = Clock();
        var data = Path.Combine(Path.GetTempPath(), "boxoffice-tests", Guid.NewGuid().ToString("N"));
        try
        {
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
        finally
        {
            Directory.Delete(data, recursive: true);
        }
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

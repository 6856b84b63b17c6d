using System.Net;
using System.Text.Json.Nodes;
using BoxOffice.Host.Tests.Support;
using BoxOffice.Testing;

namespace BoxOffice.Host.Tests.Reserving;

/// <summary>
/// <c>Tickets:Mode = RequestResponse</c>, the mode kept to be compared with: the same hold and
/// payment, but the request answers only once the reservation is final.
/// </summary>
public sealed class ReservingRequestResponse
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<TestApp> StartAsync(string wait = "BlockThread", string timeout = "00:00:30", int gatewayLatencyMs = 0) =>
        TestApp.StartAsync(new Dictionary<string, string?>
        {
            ["Tickets:Mode"] = "RequestResponse",
            ["Tickets:RequestResponseWait"] = wait,
            ["Tickets:RequestResponseTimeout"] = timeout,
            ["PaymentGateway:LatencyMedianMs"] = gatewayLatencyMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PaymentGateway:LatencyP99Ms"] = gatewayLatencyMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

    [Theory]
    [InlineData("BlockThread")]
    [InlineData("Await")]
    public async Task A_paid_reservation_is_answered_Acquired_with_its_tickets_in_the_one_request(string wait)
    {
        await using var app = await StartAsync(wait, gatewayLatencyMs: 300);
        var (eventId, type) = await app.CreateEventAsync(capacity: 10);
        using var buyer = await app.BuyerAsync();

        var response = await buyer.ReserveAsync(type, 2);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var final = await TestApp.Json(response);
        final.Status().ShouldBe("Acquired");
        final.PaymentStatus().ShouldBe("Succeeded");
        final["tickets"]!.AsArray().Count.ShouldBe(2);
        var id = final["id"]!.GetValue<Guid>();
        (await buyer.ReservationAsync(id)).Status().ShouldBe("Acquired");
        (await app.AvailableAsync(eventId)).ShouldBe(8);
        (await app.LedgerAsync(id)).Count(e => e!["kind"]!.GetValue<string>() == "charge").ShouldBe(1);
    }

    [Fact]
    public async Task A_declined_payment_is_answered_Released_and_the_tickets_are_back_on_sale()
    {
        await using var app = await StartAsync();
        var (eventId, type) = await app.CreateEventAsync(capacity: 10);
        using var buyer = await app.BuyerAsync();

        var response = await buyer.ReserveAsync(type, 3, "tok_chargeDeclined");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var final = await TestApp.Json(response);
        final.Status().ShouldBe("Released");
        final["tickets"]!.AsArray().ShouldBeEmpty();
        (await app.AvailableAsync(eventId)).ShouldBe(10);
    }

    [Fact]
    public async Task The_same_refusals_as_event_driven_mode_answer_at_once_and_nothing_is_oversold()
    {
        await using var app = await StartAsync();
        var (eventId, type) = await app.CreateEventAsync(capacity: 3);
        var buyers = new List<HttpClient>();
        for (var i = 0; i < 6; i++)
        {
            buyers.Add(await app.BuyerAsync());
        }

        var answers = await Task.WhenAll(buyers.Select(b => b.ReserveAsync(type, 1)));

        answers.Count(a => a.StatusCode == HttpStatusCode.OK).ShouldBe(3);
        foreach (var refused in answers.Where(a => a.StatusCode != HttpStatusCode.OK))
        {
            await refused.ShouldBeProblemAsync(HttpStatusCode.Conflict, "sold-out");
        }

        foreach (var ok in answers.Where(a => a.StatusCode == HttpStatusCode.OK))
        {
            (await TestApp.Json(ok)).Status().ShouldBe("Acquired");
        }

        (await app.AvailableAsync(eventId)).ShouldBe(0);
        buyers.ForEach(b => b.Dispose());
    }

    [Fact]
    public async Task A_payment_needing_an_OTP_keeps_the_request_waiting_until_the_buyer_answers_the_challenge()
    {
        await using var app = await StartAsync();
        var (_, type) = await app.CreateEventAsync();
        using var buyer = await app.BuyerAsync();

        var request = buyer.ReserveAsync(type, 1, "tok_threeDSecureRequired");
        // The buyer's second tab: the challenge shows on their reservation while the first waits.
        var challenge = await ChallengeUrlAsync(buyer);
        request.IsCompleted.ShouldBeFalse();
        using var browser = new HttpClient();
        (await browser.PostAsync(challenge, new FormUrlEncodedContent([new("code", "123456")]), Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var response = await request;
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var final = await TestApp.Json(response);
        final.Status().ShouldBe("Acquired");
        (await app.LedgerAsync(final["id"]!.GetValue<Guid>())).Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_payment_slower_than_the_timeout_is_answered_504_and_the_reservation_still_ends_acquired_once()
    {
        await using var app = await StartAsync(timeout: "00:00:01", gatewayLatencyMs: 3000);
        var (_, type) = await app.CreateEventAsync(capacity: 5);
        using var buyer = await app.BuyerAsync();

        var response = await buyer.ReserveAsync(type, 1);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.GatewayTimeout, "payment-pending");
        var id = problem["reservationId"]!.GetValue<Guid>();
        var acquired = await buyer.UntilAsync(id, r => r.Status() == "Acquired", "the reservation is acquired after the answer");
        acquired["tickets"]!.AsArray().Count.ShouldBe(1);
        (await app.LedgerAsync(id)).Count(e => e!["kind"]!.GetValue<string>() == "charge").ShouldBe(1);
    }

    [Fact]
    public async Task A_retry_with_the_same_Idempotency_Key_answers_the_same_final_reservation()
    {
        await using var app = await StartAsync();
        var (eventId, type) = await app.CreateEventAsync(capacity: 5);
        using var buyer = await app.BuyerAsync();

        var first = await TestApp.Json(await buyer.ReserveAsync(type, 1, idempotencyKey: "rr-retry-1"));
        var again = await buyer.ReserveAsync(type, 1, idempotencyKey: "rr-retry-1");

        again.StatusCode.ShouldBe(HttpStatusCode.OK);
        var repeated = await TestApp.Json(again);
        repeated["id"]!.GetValue<Guid>().ShouldBe(first["id"]!.GetValue<Guid>());
        repeated.Status().ShouldBe("Acquired");
        (await app.AvailableAsync(eventId)).ShouldBe(4);
    }

    private static async Task<Uri> ChallengeUrlAsync(HttpClient buyer)
    {
        var mine = await Eventually.HoldsAsync(
            async () => (JsonArray)await TestApp.Json(await buyer.GetAsync(new Uri("/api/me/reservations", UriKind.Relative), Ct)),
            m => m.FirstOrDefault()?["challengeUrl"] is not null,
            "the reservation shows its challenge",
            TimeSpan.FromSeconds(30));
        return new Uri(mine[0]!["challengeUrl"]!.GetValue<string>());
    }
}

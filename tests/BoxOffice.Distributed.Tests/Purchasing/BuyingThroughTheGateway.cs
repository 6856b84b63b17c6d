using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BoxOffice.Distributed.Tests.Support;
using BoxOffice.Testing;

namespace BoxOffice.Distributed.Tests.Purchasing;

/// <summary>The reservation flow across processes: every hop an event through RabbitMQ, every call through the gateway.</summary>
public sealed class BuyingThroughTheGateway(SharedDeployment shared)
{
    [Fact]
    public async Task A_purchase_reaches_Acquired_with_codes_one_charge_an_email_points_and_recommendations()
    {
        var deployment = await shared.GetAsync();
        var (eventId, type) = await deployment.CreateEventAsync(capacity: 10);
        using var buyer = await deployment.BuyerAsync();

        var id = await buyer.ReserveAcceptedAsync(type, 2);
        var acquired = await buyer.UntilAsync(id, r => r.Status() == "Acquired", "the reservation is acquired", deployment: deployment);

        acquired["tickets"]!.AsArray().Count.ShouldBe(2);
        (await deployment.LedgerAsync(id)).Count.ShouldBe(1);
        var loyalty = await Eventually.HoldsAsync(
            async () => (await Deployment.Json(await buyer.GetAsync(new Uri("/api/me/loyalty", UriKind.Relative), TestContext.Current.CancellationToken)))["points"]!.GetValue<long>(),
            points => points > 0, "loyalty credits the purchase", TimeSpan.FromSeconds(60));
        loyalty.ShouldBeGreaterThan(0);
        await Eventually.HoldsAsync(
            () => deployment.CountAsync("notifications", $"SELECT COUNT(*) FROM feed WHERE kind = 'tickets-acquired' AND reservation_id = '{id}'"),
            count => count == 1, "the buyer is told once", TimeSpan.FromSeconds(60));
        (await deployment.CountAsync("notifications", $"SELECT COUNT(*) FROM mails m JOIN feed f ON f.id = m.notification_id WHERE f.reservation_id = '{id}'")).ShouldBe(1);
        var events = (JsonArray)(await Deployment.Json(await deployment.Client().GetAsync(new Uri($"/api/events/{eventId}", UriKind.Relative), TestContext.Current.CancellationToken)))["ticketTypes"]!;
        events[0]!["available"]!.GetValue<int>().ShouldBe(8);
    }

    [Fact]
    public async Task A_payment_asking_for_the_one_time_code_is_acquired_after_the_challenge()
    {
        var deployment = await shared.GetAsync();
        var (_, type) = await deployment.CreateEventAsync(capacity: 10);
        using var buyer = await deployment.BuyerAsync();

        var id = await buyer.ReserveAcceptedAsync(type, 1, "tok_threeDSecureRequired");
        var waiting = await buyer.UntilAsync(id, r => r.PaymentStatus() == "RequiresAction", "the payment asks for the challenge", deployment: deployment);
        waiting.Status().ShouldBe("Pending");
        using var browser = new HttpClient();
        var right = await browser.PostAsync(new Uri(waiting["challengeUrl"]!.GetValue<string>()),
            new FormUrlEncodedContent([new("code", "123456")]), TestContext.Current.CancellationToken);
        right.StatusCode.ShouldBe(HttpStatusCode.OK);

        var acquired = await buyer.UntilAsync(id, r => r.Status() == "Acquired", "the reservation is acquired after the challenge", deployment: deployment);
        acquired["tickets"]!.AsArray().Count.ShouldBe(1);
        (await deployment.LedgerAsync(id)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_declined_card_releases_the_tickets_with_the_reason_and_takes_no_money()
    {
        var deployment = await shared.GetAsync();
        var (eventId, type) = await deployment.CreateEventAsync(capacity: 10);
        using var buyer = await deployment.BuyerAsync();

        var id = await buyer.ReserveAcceptedAsync(type, 2, "tok_chargeDeclined");
        var released = await buyer.UntilAsync(id, r => r.Status() == "Released", "the reservation is released", deployment: deployment);

        released.PaymentStatus().ShouldBe("Failed");
        released["failureReason"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();
        (await deployment.LedgerAsync(id)).ShouldBeEmpty();
        var found = await Deployment.Json(await deployment.Client().GetAsync(new Uri($"/api/events/{eventId}", UriKind.Relative), TestContext.Current.CancellationToken));
        found["ticketTypes"]![0]!["available"]!.GetValue<int>().ShouldBe(10);
    }

    [Fact]
    public async Task A_buyer_cannot_see_another_buyers_reservation_through_the_gateway()
    {
        var deployment = await shared.GetAsync();
        var (_, type) = await deployment.CreateEventAsync(capacity: 10);
        using var owner = await deployment.BuyerAsync();
        using var stranger = await deployment.BuyerAsync();
        var id = await owner.ReserveAcceptedAsync(type, 1);

        var response = await stranger.GetAsync(new Uri($"/api/reservations/{id}", UriKind.Relative), TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await deployment.Client().PostAsJsonAsync("/api/reservations", new { ticketTypeId = type, quantity = 1, paymentToken = "tok_visa" }, TestContext.Current.CancellationToken))
            .StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }
}

using System.Net;
using System.Text.Json.Nodes;
using BoxOffice.Host.Tests.Support;
using BoxOffice.Testing;

namespace BoxOffice.Host.Tests.Reserving;

public sealed class ReservingAndPaying(HostFixture fixture) : IClassFixture<HostFixture>
{
    private TestApp App => fixture.App;

    [Fact]
    public async Task A_paid_reservation_is_acquired_and_its_tickets_are_the_buyers()
    {
        var (eventId, type) = await App.CreateEventAsync(capacity: 50);
        using var buyer = await App.BuyerAsync();

        var response = await buyer.ReserveAsync(type, 3);
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var accepted = await TestApp.Json(response);
        accepted["status"]!.GetValue<string>().ShouldBe("Pending");
        var id = accepted["id"]!.GetValue<Guid>();
        response.Headers.Location!.ToString().ShouldBe($"/api/reservations/{id}");
        accepted["expiresAt"]!.GetValue<DateTimeOffset>().ShouldBeGreaterThan(DateTimeOffset.UtcNow.AddMinutes(9));

        var acquired = await buyer.UntilAsync(id, r => r.Status() == "Acquired", "the reservation is acquired");
        acquired.PaymentStatus().ShouldBe("Succeeded");
        acquired["amount"]!.GetValue<long>().ShouldBe(13_500);
        var codes = acquired["tickets"]!.AsArray().Select(t => t!["code"]!.GetValue<string>()).ToList();
        codes.Count.ShouldBe(3);
        codes.Distinct().Count().ShouldBe(3);

        var mine = (JsonArray)(await TestApp.Json(await buyer.GetAsync(new Uri("/api/me/tickets", UriKind.Relative), TestContext.Current.CancellationToken)));
        mine.Select(t => t!["code"]!.GetValue<string>()).Order().ShouldBe(codes.Order());
        mine.ShouldAllBe(t => t!["reservationId"]!.GetValue<Guid>() == id && t["eventId"]!.GetValue<Guid>() == eventId);
        var listed = ((JsonArray)(await TestApp.Json(await buyer.GetAsync(new Uri("/api/me/reservations", UriKind.Relative), TestContext.Current.CancellationToken))))
            .ShouldHaveSingleItem()!;
        listed["id"]!.GetValue<Guid>().ShouldBe(id);
        listed["tickets"]!.AsArray().Select(t => t!["code"]!.GetValue<string>()).Order().ShouldBe(codes.Order());
        (await App.AvailableAsync(eventId)).ShouldBe(47);
        (await App.LedgerAsync(id)).Count(e => e!["kind"]!.GetValue<string>() == "charge").ShouldBe(1);
    }

    [Fact]
    public async Task A_declined_payment_releases_the_tickets()
    {
        var (eventId, type) = await App.CreateEventAsync(capacity: 10);
        using var buyer = await App.BuyerAsync();

        var id = await buyer.ReserveAcceptedAsync(type, 2, "tok_chargeDeclined");
        var released = await buyer.UntilAsync(id, r => r.Status() == "Released", "the reservation is released");

        released.PaymentStatus().ShouldBe("Failed");
        released["failureReason"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();
        released["tickets"]!.AsArray().ShouldBeEmpty();
        (await App.AvailableAsync(eventId)).ShouldBe(10);
        (await App.LedgerAsync(id)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_payment_needing_an_OTP_is_acquired_once_the_buyer_completes_the_challenge()
    {
        var (_, type) = await App.CreateEventAsync();
        using var buyer = await App.BuyerAsync();

        var id = await buyer.ReserveAcceptedAsync(type, 1, "tok_threeDSecureRequired");
        var waiting = await buyer.UntilAsync(id, r => r.PaymentStatus() == "RequiresAction", "the payment asks for the challenge");
        waiting.Status().ShouldBe("Pending");
        var challenge = new Uri(waiting["challengeUrl"]!.GetValue<string>());

        using var browser = new HttpClient();
        var wrong = await browser.PostAsync(challenge, new FormUrlEncodedContent([new("code", "000000")]), TestContext.Current.CancellationToken);
        wrong.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var right = await browser.PostAsync(challenge, new FormUrlEncodedContent([new("code", "123456")]), TestContext.Current.CancellationToken);
        right.StatusCode.ShouldBe(HttpStatusCode.OK);

        var acquired = await buyer.UntilAsync(id, r => r.Status() == "Acquired", "the reservation is acquired after the challenge");
        acquired["tickets"]!.AsArray().Count.ShouldBe(1);
        (await App.LedgerAsync(id)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Cancelling_while_the_challenge_is_awaited_returns_the_tickets_and_the_challenge_then_takes_no_money()
    {
        var (eventId, type) = await App.CreateEventAsync(capacity: 20);
        using var buyer = await App.BuyerAsync();
        var id = await buyer.ReserveAcceptedAsync(type, 4, "tok_threeDSecureRequired");
        var waiting = await buyer.UntilAsync(id, r => r.PaymentStatus() == "RequiresAction", "the payment asks for the challenge");

        var cancelled = await buyer.DeleteAsync(new Uri($"/api/reservations/{id}", UriKind.Relative), TestContext.Current.CancellationToken);
        cancelled.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await buyer.ReservationAsync(id)).Status().ShouldBe("Cancelled");
        (await App.AvailableAsync(eventId)).ShouldBe(20);
        await (await buyer.DeleteAsync(new Uri($"/api/reservations/{id}", UriKind.Relative), TestContext.Current.CancellationToken))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict, "not-cancellable");

        // Payments cancels the gateway's intent: completing the challenge anyway takes nothing.
        var intent = Webhooks.IntentId(waiting);
        await Eventually.HoldsAsync(async () => await App.IntentStatusAsync(intent) == "canceled", "the gateway's intent is cancelled");
        using var browser = new HttpClient();
        (await browser.PostAsync(new Uri(waiting["challengeUrl"]!.GetValue<string>()), new FormUrlEncodedContent([new("code", "123456")]), TestContext.Current.CancellationToken))
            .StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        var after = await buyer.ReservationAsync(id);
        after.Status().ShouldBe("Cancelled");
        after["tickets"]!.AsArray().ShouldBeEmpty();
        (await App.AvailableAsync(eventId)).ShouldBe(20);
        (await App.LedgerAsync(id)).ShouldBeEmpty();
    }

    [Fact]
    public async Task The_same_idempotency_key_returns_the_same_reservation_and_a_different_body_is_refused()
    {
        var (eventId, type) = await App.CreateEventAsync(capacity: 10);
        using var buyer = await App.BuyerAsync();
        var key = Guid.NewGuid().ToString();

        var first = await TestApp.Json(await buyer.ReserveAsync(type, 2, idempotencyKey: key));
        var again = await buyer.ReserveAsync(type, 2, idempotencyKey: key);
        again.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await TestApp.Json(again))["id"]!.GetValue<Guid>().ShouldBe(first["id"]!.GetValue<Guid>());

        await (await buyer.ReserveAsync(type, 3, idempotencyKey: key)).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency-key-reused");
        // Two held (or sold, once paid); the replay held nothing more and the refused body nothing at all.
        (await App.AvailableAsync(eventId)).ShouldBe(8);
        var mine = (JsonArray)(await TestApp.Json(await buyer.GetAsync(new Uri("/api/me/reservations", UriKind.Relative), TestContext.Current.CancellationToken)));
        mine.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Another_buyers_reservation_is_not_found()
    {
        var (_, type) = await App.CreateEventAsync();
        using var owner = await App.BuyerAsync();
        using var stranger = await App.BuyerAsync();
        var id = await owner.ReserveAcceptedAsync(type, 1, "tok_threeDSecureRequired");

        await (await stranger.GetAsync(new Uri($"/api/reservations/{id}", UriKind.Relative), TestContext.Current.CancellationToken))
            .ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await stranger.DeleteAsync(new Uri($"/api/reservations/{id}", UriKind.Relative), TestContext.Current.CancellationToken))
            .ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
        ((JsonArray)(await TestApp.Json(await stranger.GetAsync(new Uri("/api/me/reservations", UriKind.Relative), TestContext.Current.CancellationToken)))).ShouldBeEmpty();
        (await owner.ReservationAsync(id)).Status().ShouldBe("Pending");
    }
}

using System.Net;
using BoxOffice.Host.Tests.Support;
using BoxOffice.Payments;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BoxOffice.Host.Tests.Paying;

/// <summary>A webhook pays for nothing unless the gateway signed it and it matches the payment.</summary>
public sealed class ForgedWebhooks(HostFixture fixture) : IClassFixture<HostFixture>
{
    private TestApp App => fixture.App;

    [Fact]
    public async Task A_webhook_signed_with_the_old_public_secret_is_refused_and_the_reservation_stays_pending()
    {
        var (_, type) = await App.CreateEventAsync(price: 4_500);
        using var buyer = await App.BuyerAsync();
        var id = await buyer.ReserveAcceptedAsync(type, 2, "tok_threeDSecureRequired");
        var waiting = await buyer.UntilAsync(id, r => r.PaymentStatus() == "RequiresAction", "the payment asks for the challenge");

        using var forged = await App.PostSignedAsync(Webhooks.OldPublicSecret, Webhooks.Succeeded(id, Webhooks.IntentId(waiting), 9_000, "EUR"));

        forged.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var after = await buyer.ReservationAsync(id);
        after.Status().ShouldBe("Pending");
        after.PaymentStatus().ShouldBe("RequiresAction");
        after["tickets"]!.AsArray().ShouldBeEmpty();
        (await App.LedgerAsync(id)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_correctly_signed_webhook_for_another_intent_amount_or_currency_changes_nothing_and_the_matching_one_still_works()
    {
        var (_, type) = await App.CreateEventAsync(price: 4_500);
        using var buyer = await App.BuyerAsync();
        var id = await buyer.ReserveAcceptedAsync(type, 2, "tok_threeDSecureRequired");
        var waiting = await buyer.UntilAsync(id, r => r.PaymentStatus() == "RequiresAction", "the payment asks for the challenge");
        var intent = Webhooks.IntentId(waiting);
        var secret = App.Services.GetRequiredService<IOptions<PaymentsOptions>>().Value.WebhookSecret!;

        byte[][] mismatches =
        [
            Webhooks.Succeeded(id, "pi_someoneElsesIntent", 9_000, "EUR"),
            Webhooks.Succeeded(id, intent, 1, "EUR"),
            Webhooks.Succeeded(id, intent, 9_000, "USD"),
        ];
        foreach (var body in mismatches)
        {
            using var response = await App.PostSignedAsync(secret, body);
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        var after = await buyer.ReservationAsync(id);
        after.Status().ShouldBe("Pending");
        after.PaymentStatus().ShouldBe("RequiresAction");
        after["tickets"]!.AsArray().ShouldBeEmpty();

        using var browser = new HttpClient();
        (await browser.PostAsync(new Uri(waiting["challengeUrl"]!.GetValue<string>()), new FormUrlEncodedContent([new("code", "123456")]), TestContext.Current.CancellationToken))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        (await buyer.UntilAsync(id, r => r.Status() == "Acquired", "the reservation is acquired"))["tickets"]!.AsArray().Count.ShouldBe(2);
    }
}

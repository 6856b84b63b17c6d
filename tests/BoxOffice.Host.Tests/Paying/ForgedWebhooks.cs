using System.Net;
using BoxOffice.Host.Tests.Support;

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
}

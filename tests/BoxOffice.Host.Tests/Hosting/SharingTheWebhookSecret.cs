using System.Net;
using BoxOffice.Host.Tests.Support;
using BoxOffice.Payments;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BoxOffice.Host.Tests.Hosting;

public sealed class SharingTheWebhookSecret
{
    [Fact]
    public async Task A_host_with_no_webhook_secret_generates_a_private_one_that_payments_and_the_gateway_share()
    {
        await using var app = await TestApp.StartAsync();

        var file = Path.Combine(app.DataDirectory, EmbeddedHost.WebhookSecretFile);
        File.Exists(file).ShouldBeTrue();
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(file).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var secret = (await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken)).Trim();
        secret.ShouldStartWith("whsec_");
        secret.Length.ShouldBeGreaterThanOrEqualTo(PaymentsOptions.MinWebhookSecretLength);
        secret.ShouldNotBe(Webhooks.OldPublicSecret);
        app.Services.GetRequiredService<IOptions<PaymentsOptions>>().Value.WebhookSecret.ShouldBe(secret);

        // The gateway signs with it and Payments accepts it: a purchase through the challenge completes.
        var (_, type) = await app.CreateEventAsync();
        using var buyer = await app.BuyerAsync();
        var id = await buyer.ReserveAcceptedAsync(type, 1, "tok_threeDSecureRequired");
        var waiting = await buyer.UntilAsync(id, r => r.PaymentStatus() == "RequiresAction", "the payment asks for the challenge");
        using var browser = new HttpClient();
        (await browser.PostAsync(new Uri(waiting["challengeUrl"]!.GetValue<string>()), new FormUrlEncodedContent([new("code", "123456")]), TestContext.Current.CancellationToken))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        (await buyer.UntilAsync(id, r => r.Status() == "Acquired", "the reservation is acquired"))["tickets"]!.AsArray().Count.ShouldBe(1);
    }
}

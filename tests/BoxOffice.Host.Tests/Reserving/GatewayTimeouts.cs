using BoxOffice.Host.Tests.Support;

namespace BoxOffice.Host.Tests.Reserving;

public sealed class GatewayTimeouts
{
    [Fact]
    public async Task A_gateway_that_charges_and_then_times_out_on_every_first_attempt_charges_each_reservation_once()
    {
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?>
        {
            ["PaymentGateway:TimeoutOnFirstAttempt"] = "true",
            ["PaymentGateway:TimeoutDelayMs"] = "3000",
            ["Payments:AttemptTimeout"] = "00:00:00.500",
        });
        var (_, type) = await app.CreateEventAsync(capacity: 50);
        var reservations = new List<(HttpClient Buyer, Guid Id)>();
        for (var i = 0; i < 5; i++)
        {
            var buyer = await app.BuyerAsync();
            reservations.Add((buyer, await buyer.ReserveAcceptedAsync(type, 2)));
        }

        foreach (var (buyer, id) in reservations)
        {
            var acquired = await buyer.UntilAsync(id, r => r.Status() == "Acquired", "the reservation is acquired despite the timeout");
            acquired["tickets"]!.AsArray().Count.ShouldBe(2);
            (await app.LedgerAsync(id)).Count(e => e!["kind"]!.GetValue<string>() == "charge").ShouldBe(1);
            buyer.Dispose();
        }
    }
}

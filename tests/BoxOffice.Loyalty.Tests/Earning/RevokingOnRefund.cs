using System.Net;
using System.Net.Http.Json;
using BoxOffice.Contracts.Payments;
using BoxOffice.Contracts.Tickets;
using BoxOffice.ServiceDefaults;
using BoxOffice.Testing;

namespace BoxOffice.Loyalty.Tests.Earning;

/// <summary>
/// The Loyalty module on the shared <see cref="ModuleHost"/>, with the tickets and payments logs
/// standing in for those services: a purchase's points, and a refund taking them back, as the buyer
/// reads them from <c>GET /api/me/loyalty</c>.
/// </summary>
public sealed class RevokingOnRefund
{
    [Fact]
    public async Task Points_earned_on_a_purchase_are_revoked_when_it_is_refunded_and_other_purchases_keep_theirs()
    {
        await using var host = await StartLoyaltyAsync();
        var buyer = Guid.CreateVersion7();
        var token = BuyerToken(host, buyer);
        var refunded = Acquired(buyer, 4_550);
        var kept = Acquired(buyer, 12_000);

        await host.PublishAsync(refunded, kept);
        await host.CaughtUpAsync();
        var earned = await LoyaltyAsync(host, token);
        earned.Points.ShouldBe(45 + 120);

        await host.PublishAsync(new PaymentRefunded(Guid.CreateVersion7(), refunded.ReservationId, buyer, refunded.Amount, refunded.Currency));
        await host.CaughtUpAsync();

        var after = await LoyaltyAsync(host, token);
        after.Points.ShouldBe(120);
        after.History.Select(e => (e.ReservationId, e.Kind, e.Points)).ShouldBe([
            (refunded.ReservationId, "revoked", -45L),
            (kept.ReservationId, "earned", 120L),
            (refunded.ReservationId, "earned", 45L),
        ]);
    }

    [Fact]
    public async Task A_refund_delivered_twice_revokes_the_points_once()
    {
        await using var host = await StartLoyaltyAsync();
        var buyer = Guid.CreateVersion7();
        var token = BuyerToken(host, buyer);
        var first = Acquired(buyer, 4_550);
        var second = Acquired(buyer, 2_000);
        await host.PublishAsync(first, second);
        var refund = new PaymentRefunded(Guid.CreateVersion7(), first.ReservationId, buyer, first.Amount, first.Currency);

        await host.PublishAsync(refund, refund);
        await host.CaughtUpAsync();

        var after = await LoyaltyAsync(host, token);
        after.Points.ShouldBe(20);
        after.History.Count(e => e.Kind == "revoked").ShouldBe(1);
    }

    private static TicketsAcquired Acquired(Guid buyer, long amount) => new(
        Guid.CreateVersion7(), buyer, Guid.CreateVersion7(), Guid.CreateVersion7(), 2, amount, "EUR", ["BO-A", "BO-B"]);

    private static async Task<Loyalty> LoyaltyAsync(ModuleHost host, string token)
    {
        using var response = await host.SendAsync(HttpMethod.Get, "/api/me/loyalty", token);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<Loyalty>(TestContext.Current.CancellationToken))!;
    }

    private sealed record Loyalty(long Points, List<Entry> History);

    private sealed record Entry(Guid ReservationId, string Kind, long Points, string Reason, DateTimeOffset OccurredAt);

    private static Task<ModuleHost> StartLoyaltyAsync() => ModuleHost.StartAsync(new ModuleHostOptions
    {
        Module = "loyalty",
        Upstream = ["tickets", "payments"],
        Add = (messaging, configuration) => messaging.AddLoyalty(configuration),
        Map = app => app.MapLoyalty(app.Configuration),
    });

    private static string BuyerToken(ModuleHost host, Guid buyer) =>
        host.Token(new TokenHolder(buyer, $"buyer-{buyer:N}@example.test", "Ada Lovelace", new DateOnly(1990, 1, 1), [Roles.Buyer]));
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BoxOffice.Host.Tests.Support;
using BoxOffice.Testing;

namespace BoxOffice.Host.Tests.Replaying;

/// <summary>A consumer added after the fact is built from the stored events, and can be rebuilt on demand.</summary>
public sealed class AddingLoyaltyLater
{
    private static async Task<long> PointsAsync(HttpClient buyer) =>
        (await TestApp.Json(await buyer.GetAsync(new Uri("/api/me/loyalty", UriKind.Relative), TestContext.Current.CancellationToken)))["points"]!.GetValue<long>();

    [Fact]
    public async Task Loyalty_switched_on_later_starts_from_the_beginning_and_ends_with_exactly_the_points_it_would_have_had()
    {
        using var folder = new TempDirectory("host");
        var data = folder.Path;
        var purchases = new List<(string Token, long Amount)>();
        await using (var without = await TestApp.StartAsync(new Dictionary<string, string?> { ["Loyalty:Enabled"] = "false" }, dataDirectory: data))
        {
            var (_, type) = await without.CreateEventAsync(capacity: 100, price: 4_550);
            for (var quantity = 1; quantity <= 3; quantity++)
            {
                using var buyer = await without.BuyerAsync();
                var id = await buyer.ReserveAcceptedAsync(type, quantity);
                await buyer.UntilAsync(id, r => r.Status() == "Acquired", "the purchase is acquired");
                purchases.Add((buyer.DefaultRequestHeaders.Authorization!.Parameter!, 4_550L * quantity));
            }

            using var buyerWithout = without.Client(purchases[0].Token);
            (await buyerWithout.GetAsync(new Uri("/api/me/loyalty", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }

        await using var with = await TestApp.StartAsync(dataDirectory: data);
        using var organizer = await with.OrganizerAsync();
        await TestApp.CaughtUpAsync(organizer, "loyalty");

        foreach (var (token, amount) in purchases)
        {
            using var buyer = with.Client(token);
            (await PointsAsync(buyer)).ShouldBe(amount / 100);
        }
    }

    [Fact]
    public async Task An_organizer_can_reset_a_consumer_and_it_rebuilds_the_same_state()
    {
        await using var app = await TestApp.StartAsync();
        var (_, type) = await app.CreateEventAsync(capacity: 100, price: 1_999);
        using var buyer = await app.BuyerAsync();
        var id = await buyer.ReserveAcceptedAsync(type, 5);
        await buyer.UntilAsync(id, r => r.Status() == "Acquired", "the purchase is acquired");
        using var organizer = await app.OrganizerAsync();
        await TestApp.CaughtUpAsync(organizer, "loyalty");
        var before = await TestApp.Json(await buyer.GetAsync(new Uri("/api/me/loyalty", UriKind.Relative), TestContext.Current.CancellationToken));
        before["points"]!.GetValue<long>().ShouldBe(99);

        (await buyer.PostAsJsonAsync("/api/admin/messaging/consumers/loyalty/reset", new { beginning = true }, TestContext.Current.CancellationToken))
            .StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        await (await organizer.PostAsJsonAsync("/api/admin/messaging/consumers/nobody/reset", new { beginning = true }, TestContext.Current.CancellationToken))
            .ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await organizer.PostAsJsonAsync("/api/admin/messaging/consumers/loyalty/reset", new { beginning = true, sequence = 3 }, TestContext.Current.CancellationToken))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
        var reset = await organizer.PostAsJsonAsync("/api/admin/messaging/consumers/loyalty/reset", new { beginning = true }, TestContext.Current.CancellationToken);
        reset.StatusCode.ShouldBe(HttpStatusCode.OK, await reset.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        await TestApp.CaughtUpAsync(organizer, "loyalty");

        var after = await TestApp.Json(await buyer.GetAsync(new Uri("/api/me/loyalty", UriKind.Relative), TestContext.Current.CancellationToken));
        after.ToJsonString().ShouldBe(before.ToJsonString());
        ((JsonArray)(await TestApp.Json(await organizer.GetAsync(new Uri("/api/admin/messaging/consumers/loyalty/dead-letters", UriKind.Relative), TestContext.Current.CancellationToken)))).ShouldBeEmpty();
    }
}

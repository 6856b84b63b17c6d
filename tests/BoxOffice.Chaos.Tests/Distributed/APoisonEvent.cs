using System.Net;
using System.Text.Json.Nodes;
using BoxOffice.Distributed.Tests.Support;
using BoxOffice.Testing;

namespace BoxOffice.Chaos.Tests.Distributed;

/// <summary>A consumer that fails on one event type: its events go to the dead letters while the rest of the system flows; redrive applies them once.</summary>
public sealed class APoisonEvent(SharedDeployment shared)
{
    [Fact]
    public async Task Is_dead_lettered_while_other_traffic_flows_and_a_redrive_applies_it_once()
    {
        var deployment = await shared.GetAsync();
        var loyalty = deployment.Service("loyalty");
        // Loyalty fails on every purchase (the demo fault, as a handler bug would).
        await loyalty.KillAsync();
        loyalty.SetEnvironment("Messaging__Faults__loyalty", "tickets.acquired.v1");
        await loyalty.StartAsync(TestContext.Current.CancellationToken);
        await deployment.UntilGatewayRoutesEverywhereAsync();
        try
        {
            var (_, type) = await deployment.CreateEventAsync(capacity: 10);
            using var buyer = await deployment.BuyerAsync();
            var id = await buyer.ReserveAcceptedAsync(type, 2);

            // The purchase completes and the buyer is told: only loyalty is stuck on it.
            await buyer.UntilAsync(id, r => r.Status() == "Acquired", "the reservation is acquired", deployment: deployment);
            await Eventually.HoldsAsync(() => deployment.CountAsync("notifications", $"SELECT COUNT(*) FROM feed WHERE reservation_id = '{id}'"),
                c => c == 1, "notifications flows past loyalty's failure", TimeSpan.FromSeconds(60));
            using var organizer = await deployment.OrganizerAsync();
            var letter = await Eventually.HoldsAsync<JsonNode?>(
                async () =>
                {
                    var listed = await organizer.GetAsync(new Uri("/api/admin/messaging/consumers/loyalty/dead-letters", UriKind.Relative), TestContext.Current.CancellationToken);
                    var body = await listed.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
                    listed.StatusCode.ShouldBe(HttpStatusCode.OK, body);
                    return JsonNode.Parse(body)!.AsArray()
                        .FirstOrDefault(l => l!["payload"]!.GetValue<string>().Contains(id.ToString(), StringComparison.Ordinal));
                },
                l => l is not null, "loyalty dead-letters the purchase", TimeSpan.FromSeconds(90));
            letter!["error"]!.GetValue<string>().ShouldContain("Demo fault");
            (await Points(buyer)).ShouldBe(0);

            // Fixed (the fault removed, loyalty restarted): a redrive applies it, once.
            await loyalty.KillAsync();
            loyalty.SetEnvironment("Messaging__Faults__loyalty", "");
            await loyalty.StartAsync(TestContext.Current.CancellationToken);
            await deployment.UntilGatewayRoutesEverywhereAsync();
            var path = new Uri($"/api/admin/messaging/consumers/loyalty/dead-letters/{letter["id"]!.GetValue<long>()}/redrive", UriKind.Relative);
            var redriven = await organizer.PostAsync(path, null, TestContext.Current.CancellationToken);
            redriven.StatusCode.ShouldBe(HttpStatusCode.OK, await redriven.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
            var points = await Points(buyer);
            points.ShouldBeGreaterThan(0);
            var again = await organizer.PostAsync(path, null, TestContext.Current.CancellationToken);
            var answer = await again.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            again.StatusCode.ShouldBe(HttpStatusCode.OK, answer);
            JsonNode.Parse(answer)!["status"]!.ToString().ShouldBe("AlreadyRedriven", "a dead letter already redriven is not applied twice");
            (await Points(buyer)).ShouldBe(points);
            // Redriven, the points match the purchases again, and nothing else broke meanwhile.
            await deployment.UntilInvariantsHoldAsync("after the poison event was redriven");
        }
        finally
        {
            if (!loyalty.IsRunning)
            {
                loyalty.SetEnvironment("Messaging__Faults__loyalty", "");
                await loyalty.StartAsync(TestContext.Current.CancellationToken);
                await deployment.UntilGatewayRoutesEverywhereAsync();
            }
        }
    }

    private static async Task<long> Points(HttpClient buyer) =>
        (await Deployment.Json(await buyer.GetAsync(new Uri("/api/me/loyalty", UriKind.Relative), TestContext.Current.CancellationToken)))["points"]!.GetValue<long>();
}

using System.Net;
using System.Text.Json.Nodes;
using BoxOffice.Host.Tests.Support;

namespace BoxOffice.Host.Tests.Reserving;

public sealed class FlashSale
{
    [Fact]
    public async Task A_thousand_concurrent_requests_for_a_hundred_tickets_sell_exactly_a_hundred()
    {
        // Per-buyer caps and the per-user rate limit lifted so that only the stock decides; ten
        // buyers share the thousand requests.
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?>
        {
            ["RateLimits:ReservationBurstPerUser"] = "1000",
            ["Tickets:MaxPendingPerEvent"] = "1000",
            ["Tickets:MaxTicketsPerEvent"] = "1000",
        });
        var (eventId, type) = await app.CreateEventAsync(capacity: 100, maxPerOrder: 1);
        var buyers = new List<HttpClient>();
        for (var i = 0; i < 10; i++)
        {
            buyers.Add(await app.BuyerAsync());
        }

        var responses = await Task.WhenAll(Enumerable.Range(0, 1000).Select(i => buyers[i % 10].ReserveAsync(type, 1)));

        responses.Count(r => r.StatusCode == HttpStatusCode.Accepted).ShouldBe(100);
        responses.Count(r => r.StatusCode == HttpStatusCode.Conflict).ShouldBe(900);
        (await app.AvailableAsync(eventId)).ShouldBe(0);

        for (var i = 0; i < responses.Length; i++)
        {
            if (responses[i].StatusCode == HttpStatusCode.Accepted)
            {
                var id = (await TestApp.Json(responses[i]))["id"]!.GetValue<Guid>();
                await buyers[i % 10].UntilAsync(id, r => r.Status() == "Acquired", "every accepted reservation is acquired");
            }
            else
            {
                await responses[i].ShouldBeProblemAsync(HttpStatusCode.Conflict, "sold-out");
            }
        }

        var sold = 0;
        foreach (var buyer in buyers)
        {
            sold += ((JsonArray)(await TestApp.Json(await buyer.GetAsync(new Uri("/api/me/tickets", UriKind.Relative), TestContext.Current.CancellationToken)))).Count;
            buyer.Dispose();
        }

        sold.ShouldBe(100);
        (await app.AvailableAsync(eventId)).ShouldBe(0);
    }

    [Fact]
    public async Task A_full_accept_queue_pushes_back_with_503_and_Retry_After_and_holds_nothing_for_those()
    {
        // A queue of one and one request per transaction: most of a burst cannot wait in memory.
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?>
        {
            ["Tickets:AcceptQueueCapacity"] = "1",
            ["Tickets:MaxBatch"] = "1",
            ["RateLimits:ReservationBurstPerUser"] = "1000",
            ["Tickets:MaxPendingPerEvent"] = "1000",
            ["Tickets:MaxTicketsPerEvent"] = "1000",
        });
        var (eventId, type) = await app.CreateEventAsync(capacity: 1000, maxPerOrder: 1);
        using var buyer = await app.BuyerAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 300).Select(_ => buyer.ReserveAsync(type, 1, "tok_threeDSecureRequired")));

        var refused = responses.Where(r => r.StatusCode == HttpStatusCode.ServiceUnavailable).ToList();
        refused.ShouldNotBeEmpty();
        foreach (var response in refused)
        {
            response.Headers.RetryAfter.ShouldNotBeNull().Delta.ShouldBe(TimeSpan.FromSeconds(1));
            await response.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable, "overloaded");
        }

        var accepted = responses.Count(r => r.StatusCode == HttpStatusCode.Accepted);
        (accepted + refused.Count).ShouldBe(300);
        (await app.AvailableAsync(eventId)).ShouldBe(1000 - accepted);
    }
}

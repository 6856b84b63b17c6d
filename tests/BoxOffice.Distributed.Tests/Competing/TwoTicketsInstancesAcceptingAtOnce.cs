using System.Net;
using BoxOffice.Distributed.Tests.Support;

namespace BoxOffice.Distributed.Tests.Competing;

/// <summary>Two Tickets processes accept for one ticket type at once, and two Payments processes compete for the charges.</summary>
public sealed class TwoTicketsInstancesAcceptingAtOnce(SharedDeployment shared)
{
    [Fact]
    public async Task More_tickets_asked_for_than_exist_through_both_instances_never_oversell_and_each_sale_is_charged_once()
    {
        var deployment = await shared.GetAsync();
        // 40 buyers × 2 tickets = 80 asked for 60: more than there are, and each instance's half (40) less
        // than the stock, so both must accept some whichever commits first (with 40, in CI tickets-1's half
        // sold everything before tickets-2's arrived).
        const int capacity = 60;
        var (eventId, type) = await deployment.CreateEventAsync(capacity: capacity, maxPerOrder: 2);
        var buyers = await deployment.BuyersAsync(40);
        // Both must be taking deliveries for the payment outcomes to be shared between them.
        await deployment.UntilConsumingAsync("tickets");
        try
        {
            // All at once, half to each Tickets instance. Sent
            // to the instances directly: the gateway's round robin skips an instance for a second after
            // one slow probe, which in CI once sent the whole burst to tickets-1 (round robin itself is
            // the gateway tests' business).
            var instances = new[] { deployment.Service("tickets", 1), deployment.Service("tickets", 2) };
            var answers = await Task.WhenAll(buyers.Select(async (buyer, i) =>
            {
                using var direct = Deployment.Direct(buyer, instances[i % 2]);
                return (Buyer: buyer, Response: await direct.ReserveAsync(type, 2));
            }));
            var accepted = new List<(HttpClient Buyer, Guid Id)>();
            foreach (var (buyer, response) in answers)
            {
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    accepted.Add((buyer, (await Deployment.Json(response))["id"]!.GetValue<Guid>()));
                }
                else
                {
                    response.StatusCode.ShouldBe(HttpStatusCode.Conflict, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
                }
            }

            accepted.Count.ShouldBe(capacity / 2, "exactly the stock is held, never more");
            var finals = await Task.WhenAll(accepted.Select(a => a.Buyer.FinalAsync(a.Id, deployment: deployment)));
            finals.ShouldAllBe(r => r.Status() == "Acquired");
            foreach (var (_, id) in accepted)
            {
                (await deployment.LedgerAsync(id)).Count.ShouldBe(1, $"reservation {id} is charged once");
            }

            (await deployment.CountAsync("tickets", $"SELECT COUNT(*) FROM tickets t JOIN reservations r ON r.id = t.reservation_id WHERE r.event_id = '{eventId}'"))
                .ShouldBe(capacity, "every ticket issued once, none beyond the capacity");
            // Both instances did the work: each accepted for this ticket type and each applied payment
            // outcomes from the one shared queue (competing consumers).
            foreach (var instance in new[] { 1, 2 })
            {
                var output = deployment.Service("tickets", instance).Output;
                output.ShouldContain($"of type {type} held until", customMessage: $"tickets-{instance} accepted nothing for the hot ticket type");
                output.ShouldContain("Pending → Acquired", customMessage: $"tickets-{instance} applied no payment outcome: the queue was not shared");
            }
        }
        finally
        {
            foreach (var buyer in buyers)
            {
                buyer.Dispose();
            }
        }
    }
}

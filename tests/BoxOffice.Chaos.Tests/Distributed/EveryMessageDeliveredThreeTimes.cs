using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BoxOffice.Chaos.Tests.Support;
using BoxOffice.Distributed.Tests.Support;
using BoxOffice.Testing;

namespace BoxOffice.Chaos.Tests.Distributed;

/// <summary>
/// Duplicate injection at the transport: every service's relay publishes every event three times
/// (<c>Messaging:PublishCopies</c> = 3), so every consumer of every service receives each message three
/// times, in the same batch or a later one, while buyers purchase, are declined and are told. Each
/// consumer's inbox must apply each event once: one charge, one set of tickets, one feed entry, one
/// balance per purchase.
/// </summary>
public sealed class EveryMessageDeliveredThreeTimes
{
    private static readonly string[] Services = ["accounts", "tickets", "payments", "notifications", "recommendations", "loyalty"];

    /// <summary>How many purchases: 30 in CI, 300 at full size; <c>BOXOFFICE_TRIPLED_PURCHASES</c> sets it.</summary>
    private static readonly int Purchases = ChaosSize.Of("BOXOFFICE_TRIPLED_PURCHASES", ci: 30, full: 300);

    [Fact]
    public async Task Every_consumer_drops_the_copies_and_each_purchase_is_charged_ticketed_told_and_credited_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var tripled = new Dictionary<string, string> { ["Messaging:PublishCopies"] = "3" };
        await using var deployment = await Deployment.StartAsync(new DeploymentShape
        {
            Tickets = 1,
            Payments = 1,
            Settings = Services.ToDictionary(s => s, IReadOnlyDictionary<string, string> (_) => tripled),
        });
        var (_, type) = await deployment.CreateEventAsync(capacity: Purchases * 2, maxPerOrder: 2);
        var buyers = await deployment.BuyersAsync(Math.Min(Purchases, 30));
        try
        {
            // Each buyer reserves in turn (one pending reservation per event at a time); every fifth card is declined.
            var reservations = new List<(HttpClient Buyer, Guid Id, int Quantity, bool Declined)>();
            await Parallel.ForEachAsync(Enumerable.Range(0, buyers.Length), new ParallelOptions { MaxDegreeOfParallelism = 10, CancellationToken = ct }, async (b, _) =>
            {
                for (var i = b; i < Purchases; i += buyers.Length)
                {
                    var declined = i % 5 == 4;
                    var quantity = 1 + (i % 2);
                    var id = await buyers[b].ReserveAcceptedAsync(type, quantity, declined ? "tok_chargeDeclined" : "tok_visa");
                    await buyers[b].FinalAsync(id, seconds: 120, deployment: deployment);
                    lock (reservations)
                    {
                        reservations.Add((buyers[b], id, quantity, declined));
                    }
                }
            });

            foreach (var (buyer, id, _, declined) in reservations)
            {
                (await buyer.ReservationAsync(id)).Status().ShouldBe(declined ? "Released" : "Acquired");
            }

            // Quiescence: every consumer's queue is empty, and each dropped copies (two per message it took).
            using var organizer = await deployment.OrganizerAsync();
            var consumers = await Eventually.HoldsAsync(
                () => QueuesAsync(deployment, organizer),
                queues => queues.All(q => q.Lag == 0), "every queue drained", TimeSpan.FromSeconds(120));
            foreach (var (consumer, applied, duplicates, _) in consumers)
            {
                applied.ShouldBeGreaterThan(0, $"{consumer} applied events");
                duplicates.ShouldBeGreaterThanOrEqualTo(applied, $"{consumer} received copies of what it applied and dropped them");
            }

            var acquired = reservations.Where(r => !r.Declined).ToList();
            var all = string.Join(',', reservations.Select(r => $"'{r.Id}'"));
            foreach (var (_, id, _, _) in acquired)
            {
                (await deployment.LedgerAsync(id)).Count.ShouldBe(1, $"reservation {id} is charged once");
            }

            (await deployment.CountAsync("payments", $"SELECT COUNT(*) FROM payments WHERE reservation_id IN ({all})")).ShouldBe(reservations.Count, "one payment per reservation");
            (await deployment.CountAsync("payments", $"SELECT COUNT(*) FROM payments WHERE status = 'Succeeded' AND reservation_id IN ({all})")).ShouldBe(acquired.Count);
            (await deployment.CountAsync("tickets", $"SELECT COUNT(*) FROM tickets WHERE reservation_id IN ({all})")).ShouldBe(acquired.Sum(r => r.Quantity), "tickets issued once per ticket bought");
            (await deployment.CountAsync("notifications", $"SELECT COUNT(*) FROM feed WHERE kind = 'tickets-acquired' AND reservation_id IN ({all})")).ShouldBe(acquired.Count, "told once per purchase");
            (await deployment.CountAsync("loyalty", $"SELECT COUNT(*) FROM points_history WHERE reservation_id IN ({all})")).ShouldBe(acquired.Count, "points earned once per purchase");
            (await deployment.CountAsync("loyalty", "SELECT COUNT(*) FROM balances b WHERE b.points <> (SELECT COALESCE(SUM(h.points), 0) FROM points_history h WHERE h.user_id = b.user_id)"))
                .ShouldBe(0, "each balance is the sum of its history");
        }
        finally
        {
            foreach (var buyer in buyers)
            {
                buyer.Dispose();
            }
        }
    }

    /// <summary>Every broker consumer of every running service instance, asked of the instance itself.</summary>
    private static async Task<List<(string Consumer, long Applied, long Duplicates, long Lag)>> QueuesAsync(Deployment deployment, HttpClient organizer)
    {
        var queues = new List<(string, long, long, long)>();
        foreach (var instance in deployment.Processes.Where(p => p.IsRunning && Services.Any(s => p.Name.StartsWith(s + "-", StringComparison.Ordinal))))
        {
            using var direct = Deployment.Direct(organizer, instance);
            var subscriptions = (await direct.GetFromJsonAsync<JsonArray>("/api/admin/messaging/subscriptions", TestContext.Current.CancellationToken))!;
            queues.AddRange(subscriptions
                .Where(s => s!["consumer"]!.ToString() != "relay" && s["queue"] is not null)
                .Select(s => ($"{instance.Name}/{s!["consumer"]}", s["applied"]!.GetValue<long>(), s["duplicates"]!.GetValue<long>(), s["lag"]!.GetValue<long>())));
        }

        return queues;
    }
}

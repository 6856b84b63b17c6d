using BoxOffice.Distributed.Tests.Support;

namespace BoxOffice.Chaos.Tests.Distributed;

/// <summary>kill -9 of a Payments process in the middle of a run of charges.</summary>
public sealed class KillingAPaymentsProcess(SharedDeployment shared)
{
    [Fact]
    public async Task Every_reservation_becomes_final_and_each_acquired_one_is_charged_once()
    {
        var deployment = await shared.GetAsync();
        var (_, type) = await deployment.CreateEventAsync(capacity: 200, maxPerOrder: 1);
        var buyers = await deployment.BuyersAsync(60);
        try
        {
            var reservations = new List<(HttpClient Buyer, Guid Id)>();
            var payments = deployment.Service("payments", 1);
            for (var i = 0; i < buyers.Length; i++)
            {
                reservations.Add((buyers[i], await buyers[i].ReserveAcceptedAsync(type, 1)));
                if (i == 20)
                {
                    // Mid-run: charges in flight, a batch possibly half applied, deliveries unacknowledged.
                    await payments.KillAsync();
                }
            }

            await payments.StartAsync(TestContext.Current.CancellationToken);
            var finals = await Task.WhenAll(reservations.Select(r => r.Buyer.FinalAsync(r.Id, seconds: 120, deployment: deployment)));

            finals.ShouldAllBe(r => r.Status() == "Acquired", deployment.Output[^Math.Min(4000, deployment.Output.Length)..]);
            foreach (var (_, id) in reservations)
            {
                (await deployment.LedgerAsync(id)).Count.ShouldBe(1, $"reservation {id} is charged once");
            }

            (await deployment.CountAsync("payments", "SELECT COUNT(*) FROM payments WHERE status <> 'Succeeded' AND reservation_id IN ("
                + string.Join(',', reservations.Select(r => $"'{r.Id}'")) + ")")).ShouldBe(0);
            // The operators' check over every service's database and the gateway's ledger, at quiescence.
            await deployment.UntilInvariantsHoldAsync("after a Payments process was killed mid-run");
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

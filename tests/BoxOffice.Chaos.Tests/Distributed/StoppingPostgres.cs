using System.Net;
using BoxOffice.Chaos.Tests.Support;
using BoxOffice.Distributed.Tests.Support;

namespace BoxOffice.Chaos.Tests.Distributed;

/// <summary>
/// PostgreSQL stopped for ten seconds (<c>pg_ctlcluster stop -m fast</c>: every connection of every
/// service cut) while buyers keep reserving through the gateway, then started again. While it is down
/// a buyer is told 503 with problem details, never a 500; afterwards every accepted reservation is
/// final, charged once, and every invariant holds.
/// </summary>
public sealed class StoppingPostgres(SharedDeployment shared)
{
    /// <summary>How long it is down: 10 s; <c>BOXOFFICE_CHAOS_POSTGRES_SECONDS</c> sets it (30 at full size).</summary>
    private static readonly int Seconds = ChaosSize.Of("BOXOFFICE_CHAOS_POSTGRES_SECONDS", ci: 10, full: 30);

    /// <summary>Buyers, a third of them reserving while it is down: 30; 90 at full size.</summary>
    private static readonly int Buyers = ChaosSize.Of("BOXOFFICE_CHAOS_POSTGRES_BUYERS", ci: 30, full: 90);

    [Fact]
    public async Task Buyers_are_told_503_while_it_is_down_and_afterwards_every_reservation_is_final_charged_once_and_every_invariant_holds()
    {
        var deployment = await shared.GetAsync();
        var cluster = await PostgresCluster.RequireAsync();
        var (_, type) = await deployment.CreateEventAsync(capacity: Buyers, maxPerOrder: 1);
        var buyers = await deployment.BuyersAsync(Buyers);
        var deadLettersBefore = await DeadLettersAsync(deployment);
        var run = new ReservingThroughAnOutage();
        var stopped = false;
        try
        {
            await run.RunAsync(buyers, type,
                async () =>
                {
                    await cluster.StopAsync();
                    stopped = true;
                },
                async () =>
                {
                    await cluster.StartAsync();
                    stopped = false;
                },
                TimeSpan.FromSeconds(Seconds));
        }
        finally
        {
            // A failure while it was down must not leave the server stopped for the tests after this one.
            if (stopped || !await cluster.IsOnlineAsync())
            {
                await cluster.StartAsync();
            }
        }

        try
        {
            var why = $"{cluster} down {Seconds} s; {run.Summary()}";
            TestContext.Current.TestOutputHelper?.WriteLine(why);
            foreach (var process in deployment.Processes)
            {
                process.IsRunning.ShouldBeTrue($"{process.Name} still runs after the outage; {why}");
            }

            run.Answers.Where(a => a.Status != HttpStatusCode.Accepted)
                .ShouldAllBe(a => a.Status == HttpStatusCode.ServiceUnavailable && a.Problem, $"every refusal is a 503 with problem details; {why}");
            run.Answers.Count(a => a.DuringOutage).ShouldBeGreaterThan(0, $"buyers were answered while it was down; {why}");
            run.Accepted.Count.ShouldBe(Buyers, why);

            var finals = await Task.WhenAll(run.Accepted.Select(a => buyers[a.Key].FinalAsync(a.Value, seconds: 120, deployment: deployment)));
            finals.ShouldAllBe(r => r.Status() == "Acquired", why);
            foreach (var id in run.Accepted.Values)
            {
                (await deployment.LedgerAsync(id)).Count.ShouldBe(1, $"reservation {id} is charged once; {why}");
            }

            // No consumer gave up on an event because the database was down: nothing dead-lettered.
            (await DeadLettersAsync(deployment)).ShouldBe(deadLettersBefore, $"no consumer dead-lettered an event; {why}");

            var check = await deployment.UntilInvariantsHoldAsync(why);
            TestContext.Current.TestOutputHelper?.WriteLine($"acquired {finals.Length}; invariants: {check}");
        }
        finally
        {
            foreach (var buyer in buyers)
            {
                buyer.Dispose();
            }
        }
    }

    /// <summary>Every consumer's dead letters, by database, as one line to compare.</summary>
    private static async Task<string> DeadLettersAsync(Deployment deployment)
    {
        var counts = new List<string>();
        foreach (var database in new[] { "tickets", "payments", "notifications", "recommendations", "loyalty" })
        {
            counts.Add($"{database} {await deployment.CountAsync(database, "SELECT COUNT(*) FROM dead_letters")}");
        }

        return string.Join(", ", counts);
    }
}

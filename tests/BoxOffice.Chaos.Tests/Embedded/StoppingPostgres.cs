using System.Net;
using System.Net.Sockets;
using BoxOffice.Chaos.Tests.Support;
using BoxOffice.Host.Tests.Support;
using BoxOffice.Testing;

namespace BoxOffice.Chaos.Tests.Embedded;

/// <summary>
/// The embedded host with every service database on PostgreSQL, as its own process, and PostgreSQL
/// stopped for ten seconds (<c>pg_ctlcluster stop -m fast</c>) while buyers keep reserving. While it
/// is down a buyer is told 503 with problem details, never a 500, and the host does not exit;
/// afterwards every accepted reservation is final and the operators' invariant check holds (which
/// includes each acquired reservation charged exactly once in the gateway's ledger).
/// </summary>
public sealed class StoppingPostgres
{
    /// <summary>How long it is down: 10 s; <c>BOXOFFICE_CHAOS_POSTGRES_SECONDS</c> sets it (30 at full size).</summary>
    private static readonly int Seconds = ChaosSize.Of("BOXOFFICE_CHAOS_POSTGRES_SECONDS", ci: 10, full: 30);

    /// <summary>Buyers, a third of them reserving while it is down: 30; 90 at full size.</summary>
    private static readonly int Buyers = ChaosSize.Of("BOXOFFICE_CHAOS_POSTGRES_BUYERS", ci: 30, full: 90);

    private static readonly string[] Consumers = ["tickets", "payments", "notifications", "recommendations", "loyalty"];

    [Fact]
    public async Task Buyers_are_told_503_while_it_is_down_and_afterwards_every_reservation_is_final_and_every_invariant_holds()
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = await PostgresCluster.RequireAsync();
        using var folder = new TempDirectory("postgres-outage");
        var environment = new Dictionary<string, string>
        {
            ["Seed__OrganizerPassword"] = TestApp.OrganizerPassword,
            ["RateLimits__RegistrationsPerHourPerAddress"] = "100000",
            ["RateLimits__LoginsPerMinutePerAddress"] = "100000",
            // A buyer told 503 asks again every 200 ms: not what the reservation rate limit is about here.
            ["RateLimits__ReservationsPerMinutePerUser"] = "100000",
            ["RateLimits__ReservationBurstPerUser"] = "100000",
            ["PaymentGateway__LatencyMedianMs"] = "20",
            ["PaymentGateway__LatencyP99Ms"] = "80",
        };
        var (host, address) = await HostProcess.StartAsync(folder.Path, ct, environment, $"http://127.0.0.1:{FreePort()}", postgres: true);
        var buyers = new List<HttpClient>();
        try
        {
            using var organizer = await HostProcess.SignInAsync(address, TestApp.OrganizerEmail, TestApp.OrganizerPassword);
            var (_, type) = await TestApp.CreateEventAsync(organizer, capacity: Buyers, maxPerOrder: 1);
            for (var i = 0; i < Buyers; i++)
            {
                buyers.Add(await HostProcess.BuyerAsync(address));
            }

            var deadLettersBefore = await DeadLettersAsync(folder.Path);
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

            var why = $"{cluster} down {Seconds} s; {run.Summary()}";
            TestContext.Current.TestOutputHelper?.WriteLine(why);
            host.HasExited.ShouldBeFalse($"the host still runs after the outage; {why}");
            run.Answers.Where(a => a.Status != HttpStatusCode.Accepted)
                .ShouldAllBe(a => a.Status == HttpStatusCode.ServiceUnavailable && a.Problem, $"every refusal is a 503 with problem details; {why}");
            run.Answers.Count(a => a.DuringOutage).ShouldBeGreaterThan(0, $"buyers were answered while it was down; {why}");
            run.Accepted.Count.ShouldBe(Buyers, why);
            foreach (var (buyer, id) in run.Accepted.Select(a => (buyers[a.Key], a.Value)))
            {
                (await buyer.UntilAsync(id, r => r.Status() != "Pending", $"reservation {id} is final ({why})", seconds: 120)).Status().ShouldBe("Acquired", why);
            }

            (await DeadLettersAsync(folder.Path)).ShouldBe(deadLettersBefore, $"no consumer dead-lettered an event; {why}");
            var report = await Eventually.HoldsAsync(
                async () => await TestApp.Json(await organizer.GetAsync(new Uri("/api/admin/invariants", UriKind.Relative), ct)),
                r => r["holds"]!.GetValue<bool>(), $"every invariant holds ({why})", TimeSpan.FromSeconds(60));
            report["invariants"]!.AsArray().Count.ShouldBe(9);
            TestContext.Current.TestOutputHelper?.WriteLine($"acquired {run.Accepted.Count}; every invariant holds");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new InvalidOperationException($"{ex.Message}{Environment.NewLine}The host's last output:{Environment.NewLine}{Tail(host.Output)}", ex);
        }
        finally
        {
            foreach (var buyer in buyers)
            {
                buyer.Dispose();
            }

            await host.DisposeAsync();
            StoreUnderTest.Forget(folder.Path);
        }
    }

    /// <summary>Every consumer's dead letters, by database, as one line to compare.</summary>
    private static async Task<string> DeadLettersAsync(string folder)
    {
        var counts = new List<string>();
        foreach (var database in Consumers)
        {
            await using var connection = await StoreUnderTest.OpenAsync(folder, database, postgres: true);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM dead_letters";
            counts.Add($"{database} {await command.ExecuteScalarAsync(TestContext.Current.CancellationToken)}");
        }

        return string.Join(", ", counts);
    }

    private static string Tail(string output) => output.Length <= 6000 ? output : output[^6000..];

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

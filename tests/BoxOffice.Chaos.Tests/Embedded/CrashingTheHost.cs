using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using BoxOffice.Chaos.Tests.Support;
using BoxOffice.Host.Tests.Support;
using BoxOffice.Testing;

namespace BoxOffice.Chaos.Tests.Embedded;

/// <summary>
/// The real host, as its own process, killed with SIGKILL while buyers reserve and payments run,
/// and started again on the same data folder each time. Requests that got no answer are asked again
/// with the same Idempotency-Key, as a client should. Afterwards every accepted reservation is final
/// and the operators' invariant check holds: nothing oversold, lost, charged twice or untold.
/// </summary>
public sealed class CrashingTheHost
{
    /// <summary>How many kills: 4 in CI, 20 at full size; <c>BOXOFFICE_HOST_KILLS</c> sets it.</summary>
    private static readonly int Kills = ChaosSize.Of("BOXOFFICE_HOST_KILLS", ci: 4, full: 20);

    /// <summary>How many reservations: 60 in CI, 10,000 at full size; <c>BOXOFFICE_HOST_RESERVATIONS</c> sets it. Two thirds as many tickets.</summary>
    private static readonly int Reservations = ChaosSize.Of("BOXOFFICE_HOST_RESERVATIONS", ci: 60, full: 10_000);

    /// <summary>A buyer for every ten reservations (6 to 100): each asks for one ticket at a time, many times.</summary>
    private static readonly int Buyers = Math.Clamp(Reservations / 10, 6, 100);

    private static readonly int Capacity = Reservations * 2 / 3;

    [Fact]
    public async Task Killed_while_buyers_reserve_more_tickets_than_there_are_every_accepted_reservation_ends_final_and_every_invariant_holds()
    {
        var ct = TestContext.Current.CancellationToken;
        var seed = Random.Shared.Next();
        var random = new Random(seed);
        using var folder = new TempDirectory("crash");
        var address = new Uri($"http://127.0.0.1:{FreePort()}");
        var environment = new Dictionary<string, string>
        {
            ["Seed__OrganizerPassword"] = TestApp.OrganizerPassword,
            ["RateLimits__RegistrationsPerHourPerAddress"] = "100000",
            ["RateLimits__LoginsPerMinutePerAddress"] = "100000",
            ["RateLimits__ReservationBurstPerUser"] = "1000000",
            ["RateLimits__ReservationsPerMinutePerUser"] = "1000000",
            // Each buyer reserves one ticket many times over, often several at once.
            ["Tickets__MaxPendingPerEvent"] = "10000",
            ["Tickets__MaxTicketsPerEvent"] = "10000",
            // What is checked is that no crash loses or doubles work, so every card that is not declined
            // must end Acquired: a hold long enough for the whole run. At full size on 2 cores the
            // payments backlog behind 20 restarts outlived the 10-minute default, and the first
            // reservations expired (and were refunded), as they should once their hold is over.
            ["Tickets__HoldDuration"] = "01:00:00",
            // The simulator answers within tens of milliseconds, so kills land among charges in flight too.
            ["PaymentGateway__LatencyMedianMs"] = "20",
            ["PaymentGateway__LatencyP99Ms"] = "80",
        };
        var (host, _) = await HostProcess.StartAsync(folder.Path, ct, environment, address.ToString());
        var buyers = new List<HttpClient>();
        try
        {
            using var organizer = await HostProcess.SignInAsync(address, TestApp.OrganizerEmail, TestApp.OrganizerPassword);
            var (_, type) = await TestApp.CreateEventAsync(organizer, capacity: Capacity, maxPerOrder: 1);
            for (var i = 0; i < Buyers; i++)
            {
                buyers.Add(await HostProcess.BuyerAsync(address));
            }

            // The reservations come in groups, one group before each kill and one after the last. Each
            // kill comes as soon as the group's first answer is back, so most of its requests are still
            // on their way and every accepted reservation's payment too. Every fifth card is declined:
            // its tickets go back on sale for the reservations after it.
            var answers = new ConcurrentDictionary<int, (HttpStatusCode Status, Guid? Id)>();
            var perGroup = Reservations / (Kills + 1);
            var requests = new List<Task>();
            var inFlightAtKills = new List<int>();
            var started = TimeProvider.System.GetTimestamp();
            for (var group = 0; group <= Kills; group++)
            {
                var members = Enumerable.Range(group * perGroup, group == Kills ? Reservations - (group * perGroup) : perGroup).ToList();
                requests.AddRange(members.Select(i => ReserveUntilAnsweredAsync(BuyerOf(buyers, i), type, Declined(i) ? "tok_chargeDeclined" : "tok_visa", answers, i)));
                if (group == Kills)
                {
                    break;
                }

                await Eventually.HoldsAsync(() => members.Count(answers.ContainsKey), n => n >= 1, "the group's first answer", TimeSpan.FromSeconds(120));
                await Task.Delay(random.Next(0, 30), ct);
                // The work in flight: the group's requests still unanswered and the events the consumers
                // (Payments charging, Tickets acquiring, Notifications telling …) have yet to apply.
                inFlightAtKills.Add(members.Count(m => !answers.ContainsKey(m)) + await LagAsync(organizer));
                await host.KillAsync();
                await host.DisposeAsync();
                (host, _) = await HostProcess.StartAsync(folder.Path, ct, environment, address.ToString());
            }

            var load = Task.WhenAll(requests);
            await load.WaitAsync(TimeSpan.FromSeconds(120 + (Reservations / 20)), ct);
            var why = $"seed {seed}, {Kills} kills, {Reservations} reservations by {Buyers} buyers for {Capacity} tickets; requests and events in flight at each kill: {string.Join(", ", inFlightAtKills)}";
            // The kills landed with work in flight (three in four at least), not in a quiet moment between groups.
            inFlightAtKills.Count(n => n > 0).ShouldBeGreaterThanOrEqualTo(Kills * 3 / 4, why);

            var accepted = answers.Where(a => a.Value.Status == HttpStatusCode.Accepted).ToList();
            answers.Values.ShouldAllBe(a => a.Status == HttpStatusCode.Accepted || a.Status == HttpStatusCode.Conflict, why);
            accepted.Select(a => a.Value.Id).Distinct().Count().ShouldBe(accepted.Count, why);
            // Quiescence: every consumer has applied every event (each lag 0), then each reservation is read once.
            await Eventually.HoldsAsync(() => LagAsync(organizer), lag => lag == 0, $"the consumers catch up ({why})", TimeSpan.FromSeconds(120 + (Reservations / 50)));
            var finals = new ConcurrentDictionary<int, string>();
            await Parallel.ForEachAsync(accepted, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (a, _) =>
            {
                var final = await BuyerOf(buyers, a.Key).UntilAsync(a.Value.Id!.Value, r => r.Status() != "Pending", $"reservation {a.Value.Id} is final ({why})", seconds: 60);
                finals[a.Key] = final.Status();
            });
            foreach (var (index, status) in finals)
            {
                status.ShouldBe(Declined(index) ? "Released" : "Acquired", $"reservation {index}: {why}");
            }

            var report = await Eventually.HoldsAsync(
                async () => await TestApp.Json(await organizer.GetAsync(new Uri("/api/admin/invariants", UriKind.Relative), ct)),
                r => r["holds"]!.GetValue<bool>(), $"every invariant holds ({why})", TimeSpan.FromSeconds(60));
            report["invariants"]!.AsArray().Count.ShouldBe(9);
            var sold = finals.Count(f => f.Value == "Acquired");
            sold.ShouldBeLessThanOrEqualTo(Capacity, why);
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"{why}; accepted {accepted.Count}, refused sold out {answers.Count - accepted.Count}, acquired {sold}, released {finals.Count - sold}; "
                + $"{TimeProvider.System.GetElapsedTime(started).TotalSeconds:F0} s");
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
        }
    }

    private static bool Declined(int index) => index % 5 == 4;

    private static HttpClient BuyerOf(List<HttpClient> buyers, int index) => buyers[index % buyers.Count];

    /// <summary>
    /// One buyer's reservation: asked with an Idempotency-Key and asked again with the same key
    /// whenever no answer came (the host was down or died mid-request), until one did.
    /// </summary>
    private static async Task ReserveUntilAnsweredAsync(
        HttpClient buyer, Guid type, string card, ConcurrentDictionary<int, (HttpStatusCode, Guid?)> answers, int index)
    {
        var ct = TestContext.Current.CancellationToken;
        var key = $"crash-{index}-{Guid.NewGuid():N}";
        while (true)
        {
            try
            {
                using var response = await buyer.ReserveAsync(type, 1, card, key);
                if (response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK)
                {
                    answers[index] = (HttpStatusCode.Accepted, (await TestApp.Json(response))["id"]!.GetValue<Guid>());
                    return;
                }

                if (response.StatusCode == HttpStatusCode.Conflict)
                {
                    answers[index] = (response.StatusCode, null);
                    return;
                }

                // A host still starting answers 503: not an answer about this reservation.
                if (response.StatusCode != HttpStatusCode.ServiceUnavailable)
                {
                    answers[index] = (response.StatusCode, null);
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Refused or cut: the host is down. Ask again with the same key.
            }

            await Task.Delay(50, ct);
        }
    }

    /// <summary>The events the host's consumers have yet to apply, summed over every subscription.</summary>
    private static async Task<int> LagAsync(HttpClient organizer)
    {
        var subscriptions = (JsonArray)await TestApp.Json(await organizer.GetAsync(new Uri("/api/admin/messaging/subscriptions", UriKind.Relative), TestContext.Current.CancellationToken));
        return subscriptions.Sum(s => (int?)s!["lag"]?.GetValue<long>() ?? 0);
    }

    private static string Tail(string output) => output.Length <= 6000 ? output : output[^6000..];

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

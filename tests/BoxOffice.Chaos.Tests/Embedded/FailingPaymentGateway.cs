using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using BoxOffice.Chaos.Tests.Support;
using BoxOffice.Host.Tests.Support;
using BoxOffice.Testing;

namespace BoxOffice.Chaos.Tests.Embedded;

/// <summary>
/// The real host, as its own process, with its payment gateway simulator failing the way a real
/// provider fails, while buyers reserve: answers lost after the charge was made, 5xx bursts and a
/// 10 s outage in one scenario; webhooks delivered twice, late and out of order in the other.
/// Afterwards every accepted reservation is final, the gateway's ledger shows each Acquired
/// reservation charged exactly once, no reservation charged twice, money taken for one that did
/// not buy refunded exactly once, and the operators' invariant check holds. The simulator's own
/// count of what it injected (<c>GET /v1/simulation</c>) shows that each fault happened.
/// </summary>
public sealed class FailingPaymentGateway
{
    /// <summary>Reservations paid by card: 200 in CI, 2,000 at full size; <c>BOXOFFICE_GATEWAY_RESERVATIONS</c> sets it.</summary>
    private static readonly int Reservations = ChaosSize.Of("BOXOFFICE_GATEWAY_RESERVATIONS", ci: 200, full: 2_000);

    /// <summary>Reservations paid through the OTP challenge: 60 in CI, 1,000 at full size; <c>BOXOFFICE_GATEWAY_CHALLENGES</c> sets it.</summary>
    private static readonly int Challenges = ChaosSize.Of("BOXOFFICE_GATEWAY_CHALLENGES", ci: 60, full: 1_000);

    /// <summary>When the outage begins after the first payment API call, that is a moment after the load begins.</summary>
    private static readonly int OutageAfterSeconds = ChaosSize.Full ? 10 : 5;

    private const int OutageSeconds = 10;

    [Fact]
    public async Task Answers_lost_after_the_charge_5xx_bursts_and_a_10_s_outage_under_load_leave_every_reservation_final_charged_once_and_every_invariant_holding()
    {
        var ct = TestContext.Current.CancellationToken;
        var seed = Random.Shared.Next();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using var run = await Run.StartAsync("gateway-api", new Dictionary<string, string>
        {
            ["PaymentGateway__LatencyMedianMs"] = "20",
            ["PaymentGateway__LatencyP99Ms"] = "80",
            // One charge in five is made and its answer never comes: Payments gives up on the attempt
            // after 2 s (its AttemptTimeout) and asks again with the same Idempotency-Key.
            ["PaymentGateway__TimeoutAfterChargeRate"] = "0.2",
            ["PaymentGateway__TimeoutDelayMs"] = "5000",
            ["Payments__AttemptTimeout"] = "00:00:02",
            // Every call fails for 1 s in every 4.
            ["PaymentGateway__FailureBurstEverySeconds"] = "4",
            ["PaymentGateway__FailureBurstSeconds"] = "1",
            ["PaymentGateway__OutageAfterSeconds"] = OutageAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PaymentGateway__OutageSeconds"] = OutageSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // Charges with no known outcome are asked again after 1, 2, 4, then every 5 s (30 s by
            // default), so that the run settles soon after the outage.
            ["Payments__MaxRetryDelay"] = "00:00:05",
            // Short enough that holds accepted just before or during the outage may expire before
            // their charge goes through after it, and that money must come back, once.
            ["Tickets__HoldDuration"] = "00:00:15",
        });

        var (_, type) = await TestApp.CreateEventAsync(run.Organizer, capacity: Reservations, maxPerOrder: 1);
        var buyers = await run.BuyersAsync(Math.Clamp(Reservations / 40, 5, 50));
        var why = $"seed {seed}, {Reservations} reservations";

        // The reservations are spread evenly from now until 5 s after the outage: before it, during
        // it and after it (it begins OutageAfterSeconds after the first charge, a moment from now).
        // Every fifth card is declined.
        var loadStart = DateTimeOffset.UtcNow;
        var setUp = clock.Elapsed;
        var loadLength = TimeSpan.FromSeconds(OutageAfterSeconds + OutageSeconds + 5);
        var accepted = new ConcurrentDictionary<int, (Guid Id, DateTimeOffset At)>();
        var refused = new ConcurrentBag<string>();
        await Task.WhenAll(Enumerable.Range(0, Reservations).Select(async i =>
        {
            await Task.Delay(loadLength * i / Reservations, ct);
            using var response = await buyers[i % buyers.Count].ReserveAsync(type, 1, Card(i), $"gateway-{i}-{Guid.NewGuid():N}");
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                accepted[i] = ((await TestApp.Json(response))["id"]!.GetValue<Guid>(), DateTimeOffset.UtcNow);
            }
            else
            {
                refused.Add($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
            }
        }));
        refused.ShouldBeEmpty(why);
        var loaded = clock.Elapsed;
        var simulation = await run.SimulationAsync();
        var outageFrom = simulation["outageFrom"]!.GetValue<DateTimeOffset>();
        var outageUntil = simulation["outageUntil"]!.GetValue<DateTimeOffset>();

        var finals = await run.SettledAsync(accepted.ToDictionary(a => a.Key, a => a.Value.Id), buyers, why);
        var settled = clock.Elapsed;
        await run.InvariantsHoldAsync(why);
        var ledger = await run.LedgerAsync();
        foreach (var (i, (id, _)) in accepted)
        {
            var status = finals[i].Status();
            var charges = ledger.Count(e => e.Reservation == id && e.Kind == "charge");
            var refunds = ledger.Count(e => e.Reservation == id && e.Kind == "refund");
            if (Card(i) == "tok_chargeDeclined")
            {
                // A declined card is never charged; the hold may have run out before the decline was known.
                status.ShouldBeOneOf(["Released", "Expired"], $"{id} ({why})");
                charges.ShouldBe(0, $"{id} ({why})");
            }
            else
            {
                status.ShouldBeOneOf(["Acquired", "Expired"], $"{id} ({why})");
            }

            charges.ShouldBeLessThanOrEqualTo(1, $"{id} charged twice ({why})");
            refunds.ShouldBe(status == "Acquired" ? 0 : charges, $"{id}: {status}, {charges} charges, {refunds} refunds ({why})");
            if (status == "Acquired")
            {
                charges.ShouldBe(1, $"{id} acquired without exactly one charge ({why})");
            }
        }

        // Nothing in the ledger for a reservation that was not accepted.
        ledger.Select(e => e.Reservation).Except(accepted.Values.Select(a => (Guid?)a.Id)).ShouldBeEmpty(why);

        // Each fault happened, during the load.
        var injected = (await run.SimulationAsync())["injected"]!;
        var lost = injected["lostAnswers"]!.GetValue<long>();
        var bursts = injected["burstFailures"]!.GetValue<long>();
        var outage = injected["outageRefusals"]!.GetValue<long>();
        var inOutage = accepted.Values.Count(a => a.At >= outageFrom && a.At < outageUntil);
        // A call already past the gateway's door when the outage began may finish in its first moments.
        var chargedInOutage = ledger.Count(e => e.At >= outageFrom + TimeSpan.FromSeconds(1) && e.At < outageUntil);
        var acquired = finals.Values.Count(r => r.Status() == "Acquired");
        var expired = finals.Values.Count(r => r.Status() == "Expired");
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{why}: {accepted.Count} accepted ({inOutage} during the outage), {acquired} acquired, {finals.Values.Count(r => r.Status() == "Released")} released, "
            + $"{expired} expired; ledger: {ledger.Count(e => e.Kind == "charge")} charges, {ledger.Count(e => e.Kind == "refund")} refunds; "
            + $"injected: {lost} answers lost after the charge, {bursts} calls failed in 5xx bursts, {outage} calls refused in the outage, "
            + $"{injected["failures"]!.GetValue<long>()} random failures; set up at {setUp.TotalSeconds:0} s, outage from {(outageFrom - loadStart).TotalSeconds:0.0} s to {(outageUntil - loadStart).TotalSeconds:0.0} s into the load, "
            + $"load done at {loaded.TotalSeconds:0} s, "
            + $"settled at {settled.TotalSeconds:0} s, checked at {clock.Elapsed.TotalSeconds:0} s");
        lost.ShouldBeGreaterThan(0, why);
        bursts.ShouldBeGreaterThan(0, why);
        outage.ShouldBeGreaterThan(0, why);
        inOutage.ShouldBeGreaterThan(0, $"reservations were accepted while the gateway was down ({why})");
        accepted.Values.Count(a => a.At < outageFrom).ShouldBeGreaterThan(0, $"reservations were accepted before the outage ({why})");
        accepted.Values.Count(a => a.At >= outageUntil).ShouldBeGreaterThan(0, $"reservations were accepted after the outage ({why})");
        chargedInOutage.ShouldBe(0, $"nothing is charged while the gateway is down ({why})");
        acquired.ShouldBeGreaterThan(0, why);
    }

    [Fact]
    public async Task Webhooks_delivered_twice_late_and_out_of_order_under_load_leave_every_reservation_final_charged_once_and_every_invariant_holding()
    {
        var ct = TestContext.Current.CancellationToken;
        var seed = Random.Shared.Next();
        var random = new Random(seed);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using var run = await Run.StartAsync("gateway-webhooks", new Dictionary<string, string>
        {
            ["PaymentGateway__LatencyMedianMs"] = "20",
            ["PaymentGateway__LatencyP99Ms"] = "80",
            // Half the webhooks come twice; each waits up to 3 s, so one about an intent may overtake
            // an earlier one (the intent's cancel before the buyer's abandoned challenge).
            ["PaymentGateway__WebhookDuplicateRate"] = "0.5",
            ["PaymentGateway__WebhookDelayMaxMs"] = "3000",
        });

        var (_, type) = await TestApp.CreateEventAsync(run.Organizer, capacity: Challenges, maxPerOrder: 1);
        var buyers = await run.BuyersAsync(Math.Clamp(Challenges / 20, 3, 50));
        var why = $"seed {seed}, {Challenges} reservations through the challenge";
        var setUp = clock.Elapsed;

        // Each reservation waits on its OTP challenge, then the buyer: answers it; abandons it; answers
        // it and cancels the reservation at once (the success webhook arrives after the cancel);
        // abandons it and cancels (the intent's cancel webhook may overtake the abandon's); or only
        // cancels (the intent is cancelled).
        // The pair that can come reversed is drawn twice as often as each other plan.
        var plans = Enumerable.Range(0, Challenges).Select(_ => (Plan)Math.Min(random.Next(6), (int)Plan.AbandonThenCancel)).ToList();
        var ids = new Guid[Challenges];
        var paid = new bool[Challenges];
        using var browser = new HttpClient();
        await Task.WhenAll(Enumerable.Range(0, Challenges).Select(async i =>
        {
            // Staggered, so that the flows overlap without all starting at once.
            await Task.Delay(TimeSpan.FromMilliseconds(50 * i), ct);
            var buyer = buyers[i % buyers.Count];
            ids[i] = await buyer.ReserveAcceptedAsync(type, 1, "tok_threeDSecureRequired");
            var waiting = await UntilAsync(buyer, ids[i], r => r.PaymentStatus() == "RequiresAction", $"{ids[i]} asks for the challenge ({why})");
            var challenge = new Uri(waiting["challengeUrl"]!.GetValue<string>());
            var plan = plans[i];
            if (plan is Plan.Pay or Plan.PayThenCancel)
            {
                using var answer = await browser.PostAsync(challenge, new FormUrlEncodedContent([new("code", "123456")]), ct);
                paid[i] = answer.StatusCode == HttpStatusCode.OK;
            }
            else if (plan is Plan.Abandon or Plan.AbandonThenCancel)
            {
                using var answer = await browser.PostAsync(challenge, new FormUrlEncodedContent([new("action", "cancel")]), ct);
                answer.StatusCode.ShouldBe(HttpStatusCode.OK, $"{ids[i]} ({why})");
            }

            if (plan is Plan.PayThenCancel or Plan.AbandonThenCancel or Plan.Cancel)
            {
                using var cancel = await buyer.DeleteAsync(new Uri($"/api/reservations/{ids[i]}", UriKind.Relative), ct);
            }
        }));
        var loaded = clock.Elapsed;

        var finals = await run.SettledAsync(Enumerable.Range(0, Challenges).ToDictionary(i => i, i => ids[i]), buyers, why);
        var settled = clock.Elapsed;
        await run.InvariantsHoldAsync(why);
        var ledger = await run.LedgerAsync();
        for (var i = 0; i < Challenges; i++)
        {
            var status = finals[i].Status();
            var charges = ledger.Count(e => e.Reservation == ids[i] && e.Kind == "charge");
            var refunds = ledger.Count(e => e.Reservation == ids[i] && e.Kind == "refund");
            var what = $"{ids[i]} ({plans[i]}): {status}, {charges} charges, {refunds} refunds ({why})";
            string[] allowed = plans[i] switch
            {
                Plan.Pay => ["Acquired"],
                Plan.Abandon => ["Released"],
                // The success may land before the cancel (Acquired, the cancel refused) or after it.
                Plan.PayThenCancel => ["Acquired", "Cancelled"],
                Plan.AbandonThenCancel => ["Released", "Cancelled"],
                _ => ["Cancelled"],
            };
            status.ShouldBeOneOf(allowed, what);
            charges.ShouldBe(paid[i] ? 1 : 0, what);
            refunds.ShouldBe(status == "Acquired" ? 0 : charges, what);
        }

        var injected = (await run.SimulationAsync())["injected"]!;
        var duplicated = injected["webhooksDuplicated"]!.GetValue<long>();
        var delayed = injected["webhooksDelayed"]!.GetValue<long>();
        var outOfOrder = injected["webhooksOutOfOrder"]!.GetValue<long>();
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{why}: plans {string.Join(", ", plans.GroupBy(p => p).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}"))}; "
            + $"{finals.Values.Count(r => r.Status() == "Acquired")} acquired, {finals.Values.Count(r => r.Status() == "Released")} released, "
            + $"{finals.Values.Count(r => r.Status() == "Cancelled")} cancelled; ledger: {ledger.Count(e => e.Kind == "charge")} charges, "
            + $"{ledger.Count(e => e.Kind == "refund")} refunds; injected: {delayed} webhooks late, {duplicated} delivered twice, {outOfOrder} out of order; "
            + $"set up at {setUp.TotalSeconds:0} s, load done at {loaded.TotalSeconds:0} s, settled at {settled.TotalSeconds:0} s, checked at {clock.Elapsed.TotalSeconds:0} s");
        delayed.ShouldBeGreaterThan(0, why);
        duplicated.ShouldBeGreaterThan(0, why);
        outOfOrder.ShouldBeGreaterThan(0, why);
        // A success that came after the buyer's cancel was refunded: the late webhook path ran.
        Enumerable.Range(0, Challenges).Count(i => paid[i] && finals[i].Status() == "Cancelled").ShouldBeGreaterThan(0, why);
    }

    private static string Card(int i) => i % 5 == 4 ? "tok_chargeDeclined" : "tok_visa";

    /// <summary>Polls one reservation until the condition holds, at a pace that many pollers at once can keep.</summary>
    private static async Task<JsonNode> UntilAsync(HttpClient buyer, Guid id, Func<JsonNode, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            var reservation = await buyer.ReservationAsync(id);
            if (condition(reservation))
            {
                return reservation;
            }

            DateTime.UtcNow.ShouldBeLessThan(deadline, $"timed out waiting until {what}; last seen: {reservation.ToJsonString()}");
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }

    private enum Plan
    {
        Pay,
        Abandon,
        PayThenCancel,
        Cancel,
        AbandonThenCancel,
    }

    private sealed record LedgerEntry(string Kind, Guid? Reservation, DateTimeOffset At);

    /// <summary>One host process with its simulator on a known port, an organizer, and what the checks read.</summary>
    private sealed class Run : IAsyncDisposable
    {
        private readonly TempDirectory _folder;
        private readonly List<HttpClient> _buyers = [];

        private Run(TempDirectory folder, HostProcess host, Uri address, HttpClient organizer, HttpClient gateway)
        {
            _folder = folder;
            Host = host;
            Address = address;
            Organizer = organizer;
            Gateway = gateway;
        }

        public HostProcess Host { get; }

        public Uri Address { get; }

        public HttpClient Organizer { get; }

        /// <summary>The simulator's own endpoints: the ledger and the faults injected.</summary>
        public HttpClient Gateway { get; }

        public static async Task<Run> StartAsync(string name, Dictionary<string, string> settings)
        {
            var folder = new TempDirectory(name);
            var gateway = $"http://127.0.0.1:{FreePort()}";
            var environment = new Dictionary<string, string>(settings)
            {
                ["Seed__OrganizerPassword"] = TestApp.OrganizerPassword,
                ["RateLimits__RegistrationsPerHourPerAddress"] = "100000",
                ["RateLimits__LoginsPerMinutePerAddress"] = "100000",
                // A few buyers make many reservations each.
                ["RateLimits__ReservationBurstPerUser"] = "100000",
                ["RateLimits__ReservationsPerMinutePerUser"] = "100000",
                ["Tickets__MaxPendingPerEvent"] = "10000",
                ["Tickets__MaxTicketsPerEvent"] = "10000",
                ["PaymentGateway__Urls"] = gateway,
            };
            var (host, address) = await HostProcess.StartAsync(folder.Path, TestContext.Current.CancellationToken, environment, $"http://127.0.0.1:{FreePort()}");
            try
            {
                var organizer = await HostProcess.SignInAsync(address, TestApp.OrganizerEmail, TestApp.OrganizerPassword);
                return new Run(folder, host, address, organizer, new HttpClient { BaseAddress = new Uri(gateway) });
            }
            catch
            {
                await host.DisposeAsync();
                folder.Dispose();
                throw;
            }
        }

        public async Task<List<HttpClient>> BuyersAsync(int count)
        {
            // One after another: registrations at once contend for the accounts database.
            var buyers = new List<HttpClient>();
            for (var i = 0; i < count; i++)
            {
                buyers.Add(await HostProcess.BuyerAsync(Address));
            }

            _buyers.AddRange(buyers);
            return buyers;
        }

        public async Task<JsonNode> SimulationAsync() =>
            JsonNode.Parse(await Gateway.GetStringAsync(new Uri("/v1/simulation", UriKind.Relative), TestContext.Current.CancellationToken))!;

        public async Task<List<LedgerEntry>> LedgerAsync()
        {
            var entries = await Gateway.GetFromJsonAsync<JsonArray>(new Uri("/v1/ledger", UriKind.Relative), TestContext.Current.CancellationToken);
            return [.. entries!.Select(e => new LedgerEntry(
                e!["kind"]!.GetValue<string>(),
                Guid.TryParse((string?)e["reservationId"], out var id) ? id : null,
                e["at"]!.GetValue<DateTimeOffset>()))];
        }

        /// <summary>
        /// Waits until every reservation is final and nothing is left in flight: no payment Processing,
        /// no late success waiting for its refund, no webhook left to send, no event left to consume.
        /// Returns each reservation as it ended, by index.
        /// </summary>
        public async Task<Dictionary<int, JsonNode>> SettledAsync(Dictionary<int, Guid> ids, List<HttpClient> buyers, string why)
        {
            var settled = new ConcurrentDictionary<int, JsonNode>();
            await Eventually.HoldsAsync(
                async () =>
                {
                    using var gate = new SemaphoreSlim(16);
                    await Task.WhenAll(ids.Where(r => !settled.ContainsKey(r.Key)).Select(async r =>
                    {
                        await gate.WaitAsync(TestContext.Current.CancellationToken);
                        try
                        {
                            var reservation = await buyers[r.Key % buyers.Count].ReservationAsync(r.Value);
                            if (IsSettled(reservation))
                            {
                                settled[r.Key] = reservation;
                            }
                        }
                        finally
                        {
                            gate.Release();
                        }
                    }));
                    return settled.Count == ids.Count;
                },
                $"every reservation is final and its payment settled ({why})",
                TimeSpan.FromSeconds(180));
            await Eventually.HoldsAsync(
                async () => (await SimulationAsync())["webhooksPending"]!.GetValue<long>() == 0 && await LagAsync() == 0,
                $"no webhook left to send and every event consumed ({why})",
                TimeSpan.FromSeconds(120));
            return new Dictionary<int, JsonNode>(settled);
        }

        public async Task InvariantsHoldAsync(string why)
        {
            var report = await Eventually.HoldsAsync(
                async () => await TestApp.Json(await Organizer.GetAsync(new Uri("/api/admin/invariants", UriKind.Relative), TestContext.Current.CancellationToken)),
                r => r["holds"]!.GetValue<bool>(), $"every invariant holds ({why})", TimeSpan.FromSeconds(60));
            report["invariants"]!.AsArray().Count.ShouldBe(9);
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var buyer in _buyers)
            {
                buyer.Dispose();
            }

            Organizer.Dispose();
            Gateway.Dispose();
            await Host.DisposeAsync();
            _folder.Dispose();
        }

        /// <summary>
        /// Final, and its payment too: not Processing or awaiting the challenge, and a success that
        /// came after the reservation ended already refunded. A cancelled challenge's payment stays
        /// RequiresAction in Tickets' view (Payments publishes nothing for a cancelled intent).
        /// </summary>
        private static bool IsSettled(JsonNode reservation) =>
            reservation.Status() != "Pending"
            && reservation.PaymentStatus() != "Processing"
            && !(reservation.Status() != "Acquired" && reservation.PaymentStatus() == "Succeeded");

        private async Task<long> LagAsync()
        {
            var subscriptions = (JsonArray)await TestApp.Json(await Organizer.GetAsync(new Uri("/api/admin/messaging/subscriptions", UriKind.Relative), TestContext.Current.CancellationToken));
            return subscriptions.Sum(s => s!["lag"]?.GetValue<long>() ?? 0);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

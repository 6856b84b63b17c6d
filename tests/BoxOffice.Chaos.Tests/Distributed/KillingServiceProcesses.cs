using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BoxOffice.Chaos.Tests.Support;
using BoxOffice.Distributed.Tests.Support;
using BoxOffice.Testing;

namespace BoxOffice.Chaos.Tests.Distributed;

/// <summary>
/// kill -9 of a Payments process, again and again, then of a Tickets process, again and again, each
/// time while buyers reserve through the gateway: the instances take turns (two of each), and each is
/// started again on the same port at once. Buyers whose request got no answer (or the gateway's 502
/// or 503 for the dead instance) ask again with the same Idempotency-Key, as a client should.
/// Afterwards every accepted reservation is final, each acquired one charged once, and the
/// operators' invariant check over every service's database holds.
/// </summary>
public sealed class KillingServiceProcesses(SharedDeployment shared)
{
    /// <summary>Kills of each service: 3 of Payments and 3 of Tickets in CI, 10 and 10 at full size; <c>BOXOFFICE_CHAOS_SERVICE_KILLS</c> sets it.</summary>
    private static readonly int KillsEach = ChaosSize.Of("BOXOFFICE_CHAOS_SERVICE_KILLS", ci: 3, full: 10);

    /// <summary>Buyers who start reserving before each kill (and after the last).</summary>
    private const int PerGroup = 6;

    [Fact]
    public async Task Payments_then_Tickets_processes_killed_mid_batch_again_and_again_leave_every_reservation_final_charged_once_and_every_invariant_holding()
    {
        var ct = TestContext.Current.CancellationToken;
        var deployment = await shared.GetAsync();
        var kills = Enumerable.Range(0, KillsEach).Select(i => ("payments", 1 + (i % 2)))
            .Concat(Enumerable.Range(0, KillsEach).Select(i => ("tickets", 1 + (i % 2)))).ToList();
        var count = PerGroup * (kills.Count + 1);
        // A ticket for every buyer: every answer is an acceptance, whichever instance took it.
        var (_, type) = await deployment.CreateEventAsync(capacity: count, maxPerOrder: 1);
        var buyers = await deployment.BuyersAsync(count);
        using var organizer = await deployment.OrganizerAsync();
        try
        {
            // The buyers come in groups, one before each kill and one after the last. Each kill comes as
            // soon as the group's first answer is back: the rest of its requests are in a Tickets batch or
            // on their way, and the accepted ones' charges in Payments' queue or at the gateway. Every
            // fifth card is declined: its hold is released.
            var answers = new ConcurrentDictionary<int, (HttpStatusCode Status, Guid? Id)>();
            var requests = new List<Task>();
            var atKills = new List<string>();
            var inFlight = new List<long>();
            for (var group = 0; group <= kills.Count; group++)
            {
                var members = Enumerable.Range(group * PerGroup, PerGroup).ToList();
                requests.AddRange(members.Select(i => ReserveUntilAnsweredAsync(buyers[i], type, Card(i), answers, i)));
                if (group == kills.Count)
                {
                    break;
                }

                var (service, instance) = kills[group];
                var target = deployment.Service(service, instance);
                await Eventually.HoldsAsync(() => members.Count(answers.ContainsKey), n => n >= 1, "the group's first answer", TimeSpan.FromSeconds(60));
                // The work in flight: the group's requests still unanswered, the reservations accepted and
                // not yet paid, and the events the instance has yet to apply or relay (its queue and outbox).
                var unanswered = members.Count(m => !answers.ContainsKey(m));
                var pending = await deployment.CountAsync("tickets", $"SELECT COUNT(*) FROM reservations WHERE ticket_type_id = '{type}' AND status = 'Pending'");
                var lag = await LagAsync(organizer, target);
                await target.KillAsync();
                atKills.Add($"{target.Name}: {unanswered} unanswered, {pending} pending, lag {lag}");
                inFlight.Add(unanswered + pending + lag);
                await target.StartAsync(ct);
            }

            await Task.WhenAll(requests).WaitAsync(TimeSpan.FromSeconds(120), ct);
            var why = $"{kills.Count} kills, {count} buyers; at each kill: {string.Join("; ", atKills)}";
            TestContext.Current.TestOutputHelper?.WriteLine(why);
            // The kills landed with work in flight (three in four at least), not in a quiet moment.
            inFlight.Count(n => n > 0).ShouldBeGreaterThanOrEqualTo(kills.Count * 3 / 4, why);

            answers.Values.ShouldAllBe(a => a.Status == HttpStatusCode.Accepted, why);
            answers.Values.Select(a => a.Id).Distinct().Count().ShouldBe(count, why);
            var finals = await Task.WhenAll(answers.Select(async a =>
                (Index: a.Key, Id: a.Value.Id!.Value, Final: await buyers[a.Key].FinalAsync(a.Value.Id!.Value, seconds: 120, deployment: deployment))));
            foreach (var (index, id, final) in finals)
            {
                final.Status().ShouldBe(Card(index) == "tok_visa" ? "Acquired" : "Released", $"reservation {id}; {why}");
                if (final.Status() == "Acquired")
                {
                    (await deployment.LedgerAsync(id)).Count(e => e!["kind"]!.GetValue<string>() == "charge").ShouldBe(1, $"reservation {id} is charged once; {why}");
                }
            }

            var check = await deployment.UntilInvariantsHoldAsync(why);
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"acquired {finals.Count(f => f.Final.Status() == "Acquired")}, released {finals.Count(f => f.Final.Status() == "Released")}; invariants: {check}");
        }
        finally
        {
            foreach (var buyer in buyers)
            {
                buyer.Dispose();
            }
        }
    }

    private static string Card(int buyer) => buyer % 5 == 4 ? "tok_chargeDeclined" : "tok_visa";

    /// <summary>
    /// One buyer's reservation through the gateway, asked with an Idempotency-Key and asked again with
    /// the same key whenever no answer about it came: the connection cut, or the gateway's 502 or 503
    /// while the instance it chose was dead.
    /// </summary>
    internal static async Task ReserveUntilAnsweredAsync(
        HttpClient buyer, Guid type, string card, ConcurrentDictionary<int, (HttpStatusCode, Guid?)> answers, int index)
    {
        var ct = TestContext.Current.CancellationToken;
        var key = $"kill-{index}-{Guid.NewGuid():N}";
        while (true)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/reservations")
                {
                    Content = JsonContent.Create(new { ticketTypeId = type, quantity = 1, paymentToken = card }),
                };
                request.Headers.Add("Idempotency-Key", key);
                using var response = await buyer.SendAsync(request, ct);
                if (response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK)
                {
                    answers[index] = (HttpStatusCode.Accepted, (await Deployment.Json(response))["id"]!.GetValue<Guid>());
                    return;
                }

                if (response.StatusCode is not (HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout))
                {
                    answers[index] = (response.StatusCode, null);
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Cut mid-request. Ask again with the same key.
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                // No answer within the client's timeout.
            }

            await Task.Delay(50, ct);
        }
    }

    /// <summary>The events one instance has yet to apply (its queue's depth) or to relay (its outbox), asked of it directly.</summary>
    private static async Task<long> LagAsync(HttpClient organizer, ServiceProcess instance)
    {
        using var direct = Deployment.Direct(organizer, instance);
        try
        {
            var subscriptions = await direct.GetFromJsonAsync<JsonArray>("/api/admin/messaging/subscriptions", TestContext.Current.CancellationToken);
            return subscriptions!.Sum(s => s!["lag"]?.GetValue<long>() ?? 0);
        }
        catch (HttpRequestException)
        {
            return 0;
        }
    }
}

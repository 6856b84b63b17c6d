using System.Net;
using System.Text.Json.Nodes;
using BoxOffice.Host.Tests.Support;
using BoxOffice.Messaging.Storage;
using BoxOffice.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace BoxOffice.Host.Tests.Operating;

/// <summary>
/// The operators' invariant check (<c>GET /api/admin/invariants</c>): every promise holds after a day
/// of paid, declined and cancelled purchases, and a break written into a database is named by id.
/// Each test has a host of its own: the tampering one leaves its data broken.
/// </summary>
public sealed class CheckingInvariants
{
    private static readonly string[] Names =
    [
        "stock", "never-charged-twice", "acquired-paid-once", "codes-for-what-was-bought", "money-back-without-tickets",
        "final-after-hold", "told-once", "points-match-purchases", "recommendations-see-purchases",
    ];

    [Fact]
    public async Task After_paid_declined_and_cancelled_purchases_every_invariant_holds()
    {
        await using var app = await TestApp.StartAsync();
        var (_, type) = await app.CreateEventAsync(capacity: 20);
        using var organizer = await app.OrganizerAsync();
        var ids = new List<(HttpClient Buyer, Guid Id, string Final)>();
        foreach (var (token, final) in new[] { ("tok_visa", "Acquired"), ("tok_visa", "Acquired"), ("tok_chargeDeclined", "Released"), ("tok_threeDSecureRequired", "Cancelled") })
        {
            var buyer = await app.BuyerAsync();
            ids.Add((buyer, await buyer.ReserveAcceptedAsync(type, 2, token), final));
        }

        var waiting = ids.Single(i => i.Final == "Cancelled");
        await waiting.Buyer.UntilAsync(waiting.Id, r => r.PaymentStatus() == "RequiresAction", "the payment asks for the challenge");
        (await waiting.Buyer.DeleteAsync(new Uri($"/api/reservations/{waiting.Id}", UriKind.Relative), TestContext.Current.CancellationToken))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        foreach (var (buyer, id, final) in ids)
        {
            (await buyer.UntilAsync(id, r => r.Status() != "Pending", $"reservation {id} is final")).Status().ShouldBe(final);
        }

        foreach (var consumer in new[] { "notifications", "loyalty", "recommendations" })
        {
            await TestApp.CaughtUpAsync(organizer, consumer);
        }

        // Caught up is not yet written everywhere: the e-mail of a feed entry is made by its own loop.
        var report = await Eventually.HoldsAsync(
            () => CheckAsync(organizer), r => r["holds"]!.GetValue<bool>(), "every invariant holds", TimeSpan.FromSeconds(30));

        report["invariants"]!.AsArray().Select(i => i!["name"]!.GetValue<string>()).ShouldBe(Names);
        report["invariants"]!.AsArray().ShouldAllBe(i => i!["holds"]!.GetValue<bool>() && i["offending"]!.AsArray().Count == 0);
        foreach (var (buyer, _, _) in ids)
        {
            buyer.Dispose();
        }
    }

    [Fact]
    public async Task A_sold_counter_off_by_one_and_a_missing_ticket_code_are_named_by_id()
    {
        await using var app = await TestApp.StartAsync();
        var (_, type) = await app.CreateEventAsync(capacity: 20);
        using var organizer = await app.OrganizerAsync();
        using var buyer = await app.BuyerAsync();
        var id = await buyer.ReserveAcceptedAsync(type, 2);
        await buyer.UntilAsync(id, r => r.Status() == "Acquired", "the reservation is acquired");
        await Eventually.HoldsAsync(
            () => CheckAsync(organizer), r => r["holds"]!.GetValue<bool>(), "every invariant holds before the tampering", TimeSpan.FromSeconds(30));

        var tickets = app.Services.GetRequiredKeyedService<ServiceDatabase>("tickets");
        await using (var tx = await tickets.BeginAsync(TestContext.Current.CancellationToken))
        {
            await tx.Command("UPDATE ticket_types SET sold = sold + 1 WHERE id = @id").With("@id", type.ToString()).ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
            var code = (string)(await tx.Command("SELECT MIN(code) FROM tickets WHERE reservation_id = @id").With("@id", id.ToString()).ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
            await tx.Command("DELETE FROM tickets WHERE code = @code").With("@code", code).ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
            await tx.CommitAsync(TestContext.Current.CancellationToken);
        }

        var report = await CheckAsync(organizer);

        report["holds"]!.GetValue<bool>().ShouldBeFalse();
        var broken = report["invariants"]!.AsArray().Where(i => !i!["holds"]!.GetValue<bool>()).ToDictionary(
            i => i!["name"]!.GetValue<string>(), i => i!["offending"]!.AsArray().Select(o => o!.GetValue<string>()).ToList());
        broken.Keys.ShouldBe(["stock", "codes-for-what-was-bought"], ignoreOrder: true);
        broken["stock"].ShouldBe([$"{type}: capacity 20, held 0 (Pending 0), sold 3 (Acquired 2)"]);
        broken["codes-for-what-was-bought"].ShouldBe([$"{id}: Acquired, quantity 2, 1 codes"]);
    }

    [Fact]
    public async Task Only_organizers_may_check_and_a_bad_grace_is_a_problem()
    {
        await using var app = await TestApp.StartAsync();
        using var buyer = await app.BuyerAsync();
        using var anonymous = app.Client();
        using var organizer = await app.OrganizerAsync();

        (await anonymous.GetAsync(new Uri("/api/admin/invariants", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await buyer.GetAsync(new Uri("/api/admin/invariants", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        await (await organizer.GetAsync(new Uri("/api/admin/invariants?graceSeconds=-1", UriKind.Relative), TestContext.Current.CancellationToken))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
    }

    private static async Task<JsonNode> CheckAsync(HttpClient organizer)
    {
        var response = await organizer.GetAsync(new Uri("/api/admin/invariants", UriKind.Relative), TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return await TestApp.Json(response);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BoxOffice.Host.Tests.Support;
using BoxOffice.Testing;

namespace BoxOffice.Host.Tests.Replaying;

/// <summary>
/// The operators' reset and redrive, over HTTP, on a consumer made to fail on every purchase
/// (<c>Messaging:Faults</c>, honoured in the Demo environment): each time a purchase is applied it
/// becomes a dead letter again, so the dead letters count exactly what a reset replayed.
/// </summary>
public sealed class ResettingAndRedrivingOverHttp
{
    private const string ResetRecommendations = "/api/admin/messaging/consumers/recommendations/reset";

    private static Task<TestApp> StartFaultedAsync(string consumer) => TestApp.StartAsync(
        new Dictionary<string, string?>
        {
            ["Messaging:InitialBackoff"] = "00:00:00.010",
            ["Messaging:MaxBackoff"] = "00:00:00.050",
            ["Messaging:Faults:" + consumer] = "tickets.acquired.v1",
        },
        environment: "Demo");

    private static async Task<List<JsonNode>> DeadLettersAsync(HttpClient organizer, string consumer) =>
        [.. ((JsonArray)await TestApp.Json(await organizer.GetAsync(
            new Uri($"/api/admin/messaging/consumers/{consumer}/dead-letters", UriKind.Relative), TestContext.Current.CancellationToken)))
            .Select(l => l!)];

    private static async Task BuyAsync(TestApp app, Guid type)
    {
        using var buyer = await app.BuyerAsync();
        var id = await buyer.ReserveAcceptedAsync(type, 1);
        await buyer.UntilAsync(id, r => r.Status() == "Acquired", "the purchase is acquired");
    }

    [Fact]
    public async Task Resetting_to_a_sequence_or_to_a_time_replays_exactly_the_events_from_there()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await StartFaultedAsync("recommendations");
        var (_, type) = await app.CreateEventAsync(capacity: 10);
        await BuyAsync(app, type);
        await BuyAsync(app, type);
        using var organizer = await app.OrganizerAsync();
        await TestApp.CaughtUpAsync(organizer, "recommendations");
        var dead = await DeadLettersAsync(organizer, "recommendations");
        var sequences = dead.Select(l => l["sequence"]!.GetValue<long>()).ToList();
        sequences.Count.ShouldBe(2);
        var (first, second) = (sequences[0], sequences[1]);
        first.ShouldBeLessThan(second);

        // From the second purchase's sequence: only it is applied again, and fails again.
        using var toSequence = await organizer.PostAsJsonAsync(ResetRecommendations, new { source = "tickets", sequence = second }, ct);
        toSequence.StatusCode.ShouldBe(HttpStatusCode.OK, await toSequence.Content.ReadAsStringAsync(ct));
        ((JsonArray)await TestApp.Json(toSequence)).Select(s => (s!["consumer"]!.GetValue<string>(), s["source"]!.GetValue<string>()))
            .ShouldContain(("recommendations", "tickets"));
        await Eventually.HoldsAsync(() => DeadLettersAsync(organizer, "recommendations"), l => l.Count >= 3, "the replayed purchase is dead-lettered again");
        await TestApp.CaughtUpAsync(organizer, "recommendations");
        (await DeadLettersAsync(organizer, "recommendations")).Select(l => l["sequence"]!.GetValue<long>()).ShouldBe([first, second, second]);

        // From the time the second purchase happened: again only it.
        var at = dead[1]["occurredAt"]!.GetValue<DateTimeOffset>();
        using var toTime = await organizer.PostAsJsonAsync(ResetRecommendations, new { at }, ct);
        toTime.StatusCode.ShouldBe(HttpStatusCode.OK, await toTime.Content.ReadAsStringAsync(ct));
        await Eventually.HoldsAsync(() => DeadLettersAsync(organizer, "recommendations"), l => l.Count >= 4, "the purchase from that time on is dead-lettered again");
        await TestApp.CaughtUpAsync(organizer, "recommendations");
        (await DeadLettersAsync(organizer, "recommendations")).Select(l => l["sequence"]!.GetValue<long>()).ShouldBe([first, second, second, second]);
    }

    [Fact]
    public async Task A_redrive_that_fails_again_is_a_409_and_the_letter_stays_and_an_unknown_letter_is_a_404()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await StartFaultedAsync("loyalty");
        var (_, type) = await app.CreateEventAsync(capacity: 10);
        await BuyAsync(app, type);
        using var organizer = await app.OrganizerAsync();
        await TestApp.CaughtUpAsync(organizer, "loyalty");
        var letter = (await DeadLettersAsync(organizer, "loyalty")).ShouldHaveSingleItem();
        var id = letter["id"]!.GetValue<long>();

        using var again = await organizer.PostAsync(new Uri($"/api/admin/messaging/consumers/loyalty/dead-letters/{id}/redrive", UriKind.Relative), null, ct);
        using var unknown = await organizer.PostAsync(new Uri($"/api/admin/messaging/consumers/loyalty/dead-letters/{id + 1}/redrive", UriKind.Relative), null, ct);

        (await again.ShouldBeProblemAsync(HttpStatusCode.Conflict, "redrive-failed"))["detail"]!.GetValue<string>().ShouldBe(
            $"Dead letter {id} failed again in 'loyalty' and stays a dead letter; its new error is in GET /api/admin/messaging/consumers/loyalty/dead-letters. Fix the cause, then redrive it again.");
        (await unknown.ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found"))["detail"]!.GetValue<string>().ShouldBe(
            $"Consumer 'loyalty' has no dead letter {id + 1}.");
        var stays = (await DeadLettersAsync(organizer, "loyalty")).ShouldHaveSingleItem();
        stays["id"]!.GetValue<long>().ShouldBe(id);
        stays["redrivenAt"].ShouldBeNull();
        stays["error"]!.GetValue<string>().ShouldContain("Demo fault: consumer 'loyalty' fails on every 'tickets.acquired.v1'");
    }
}

using System.Net;
using System.Text.Json.Nodes;
using BoxOffice.Host.Tests.Support;
using BoxOffice.Testing;

namespace BoxOffice.Host.Tests.Replaying;

/// <summary>The operators' demo of the dead-letter path: <c>Messaging:Faults:loyalty=tickets.acquired.v1</c>, then restart without it and redrive.</summary>
public sealed class ShowingADeadLetter
{
    private static readonly Dictionary<string, string?> QuickRetries = new()
    {
        ["Messaging:InitialBackoff"] = "00:00:00.010",
        ["Messaging:MaxBackoff"] = "00:00:00.050",
    };

    private static Task<TestApp> StartAsync(string data, string? fault) => TestApp.StartAsync(
        fault is null ? QuickRetries : new Dictionary<string, string?>(QuickRetries) { ["Messaging:Faults:loyalty"] = fault },
        dataDirectory: data,
        environment: "Demo");

    private static async Task<JsonArray> DeadLettersAsync(HttpClient organizer) =>
        (JsonArray)await TestApp.Json(await organizer.GetAsync(new Uri("/api/admin/messaging/consumers/loyalty/dead-letters", UriKind.Relative), TestContext.Current.CancellationToken));

    private static async Task<long> PointsAsync(HttpClient buyer) =>
        (await TestApp.Json(await buyer.GetAsync(new Uri("/api/me/loyalty", UriKind.Relative), TestContext.Current.CancellationToken)))["points"]!.GetValue<long>();

    [Fact]
    public async Task A_faulted_loyalty_dead_letters_the_purchase_and_a_redrive_after_a_restart_without_the_fault_gives_the_points()
    {
        using var folder = new TempDirectory("host");
        var data = folder.Path;
        string token;
        long letter;
        await using (var faulted = await StartAsync(data, "tickets.acquired.v1"))
        {
            var (_, type) = await faulted.CreateEventAsync(capacity: 10, price: 2_500);
            using var buyer = await faulted.BuyerAsync();
            token = buyer.DefaultRequestHeaders.Authorization!.Parameter!;
            var id = await buyer.ReserveAcceptedAsync(type, 2);
            await buyer.UntilAsync(id, r => r.Status() == "Acquired", "the purchase is acquired whatever loyalty does");

            using var organizer = await faulted.OrganizerAsync();
            await TestApp.CaughtUpAsync(organizer, "loyalty");
            var dead = (await DeadLettersAsync(organizer)).ShouldHaveSingleItem()!;
            dead["type"]!.GetValue<string>().ShouldBe("tickets.acquired.v1");
            dead["attempts"]!.GetValue<int>().ShouldBe(5);
            dead["error"]!.GetValue<string>().ShouldContain("Demo fault: consumer 'loyalty' fails on every 'tickets.acquired.v1' because the setting Messaging:Faults:loyalty is set.");
            letter = dead["id"]!.GetValue<long>();
            (await PointsAsync(buyer)).ShouldBe(0);
        }

        await using var restarted = await StartAsync(data, fault: null);
        using var admin = await restarted.OrganizerAsync();
        var redrive = await admin.PostAsync(new Uri($"/api/admin/messaging/consumers/loyalty/dead-letters/{letter}/redrive", UriKind.Relative), null, TestContext.Current.CancellationToken);

        redrive.StatusCode.ShouldBe(HttpStatusCode.OK, await redrive.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        using var sameBuyer = restarted.Client(token);
        (await PointsAsync(sameBuyer)).ShouldBe(50);
        (await DeadLettersAsync(admin)).ShouldBeEmpty();
    }
}

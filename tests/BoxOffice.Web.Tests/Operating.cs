using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BoxOffice.Testing;
using BoxOffice.Web.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BoxOffice.Web.Tests;

/// <summary>An operator sees the pipes and mends them, in a real browser.</summary>
public sealed class Operating
{
    private static readonly Dictionary<string, string?> QuickRetries = new()
    {
        ["Messaging:InitialBackoff"] = "00:00:00.010",
        ["Messaging:MaxBackoff"] = "00:00:00.050",
    };

    [Fact]
    public async Task An_operator_sees_a_dead_letter_with_its_error_and_redrives_it_then_replays_a_consumer_after_confirming()
    {
        Chromium.Require();
        using var folder = new TempDirectory("web-operator");
        // Loyalty fails on purpose (the README's demo fault) until the host restarts without it.
        await using (var faulted = await WebHost.StartAsync(
            new Dictionary<string, string?>(QuickRetries) { ["Messaging:Faults:loyalty"] = "tickets.acquired.v1" }, folder.Path, environment: "Demo"))
        {
            var (_, type, _) = await faulted.CreateEventAsync();
            using var buyer = await faulted.BuyerClientAsync();
            await WebHost.ReserveAsync(buyer, type, 1);
            using var organizer = faulted.Client(await faulted.LoginAsync(WebHost.OrganizerEmail, WebHost.OrganizerPassword));
            await Eventually.HoldsAsync(
                async () => (await organizer.GetFromJsonAsync<JsonArray>("/api/admin/messaging/consumers/loyalty/dead-letters", TestContext.Current.CancellationToken))!.Count,
                count => count == 1, "loyalty dead-letters the purchase", TimeSpan.FromSeconds(30));
        }

        await using var host = await WebHost.StartAsync(QuickRetries, folder.Path, environment: "Demo");
        await using var session = await Session.OpenAsync(host);
        var page = session.Page;
        await page.SignInAsync(WebHost.OrganizerEmail, WebHost.OrganizerPassword);
        await page.GetByRole(AriaRole.Link, new() { Name = "Operate" }).ClickAsync();

        var consumers = page.GetByRole(AriaRole.Table).First;
        await Expect(consumers.GetByRole(AriaRole.Row).Filter(new() { HasText = "loyalty" }).First).ToBeVisibleAsync();
        var letters = page.GetByRole(AriaRole.Table, new() { Name = "Dead letters of loyalty" });
        await Expect(letters).ToContainTextAsync("tickets.acquired.v1");
        await Expect(letters).ToContainTextAsync("Demo fault: consumer 'loyalty' fails on every 'tickets.acquired.v1'");
        await page.AccessibleAsync();
        await page.ScreenshotAsync("operator");

        await letters.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Redrive dead letter \\d+ of loyalty$") }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("of loyalty was applied.");
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Dead letters of loyalty" })).ToHaveCountAsync(0);

        await page.GetByRole(AriaRole.Button, new() { Name = "Replay loyalty from the start…" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Replay loyalty from the start?" })).ToBeVisibleAsync();
        await page.AccessibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, replay loyalty from the start" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("loyalty was reset and is replaying from the start of the logs.");
    }
}

using System.Globalization;
using BoxOffice.Web.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BoxOffice.Web.Tests;

/// <summary>An organizer sets up a sale and watches it, in a real browser.</summary>
public sealed class Organizing(WebFixture web) : IClassFixture<WebFixture>
{
    [Fact]
    public async Task An_organizer_sees_errors_next_to_their_fields_then_creates_an_event_that_buyers_find()
    {
        await using var session = await web.OpenAsync();
        var page = session.Page;
        await page.SignInAsync(WebHost.OrganizerEmail, WebHost.OrganizerPassword);
        await page.GetByRole(AriaRole.Link, new() { Name = "Organize" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Create an event" }).ClickAsync();
        await page.AccessibleAsync();

        var name = "Harbour Lights " + Guid.NewGuid().ToString("N")[..6];
        await page.GetByLabel("Venue").FillAsync("Quay Hall");
        await page.GetByLabel("City", new() { Exact = true }).FillAsync("Porto");
        await page.GetByLabel("Category", new() { Exact = true }).FillAsync("concert");
        await page.GetByLabel("Performers").FillAsync("The Lighthouse Band, Mara");
        await page.GetByLabel("Starts at (UTC)").FillAsync(DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture));
        var first = page.GetByRole(AriaRole.Group, new() { Name = "Ticket type 1", Exact = true });
        await first.GetByLabel("Price").FillAsync("39.50");
        await first.GetByLabel("Capacity").FillAsync("0");
        await page.GetByRole(AriaRole.Button, new() { Name = "Put on sale" }).ClickAsync();

        // The API's validation errors, each next to its field, and the fields marked invalid.
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Please correct the fields marked below.");
        await Expect(page.GetByLabel("Event name")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.Locator("#Event_Name-error")).ToHaveTextAsync("name is required, 1 to 200 characters.");
        await Expect(first.GetByLabel("Capacity")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(first.Locator(".field-error").Filter(new() { HasText = "capacity is 1 to" })).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Venue")).ToHaveValueAsync("Quay Hall");
        await page.AccessibleAsync();
        await page.ScreenshotAsync("organizer-create-errors");

        await page.GetByLabel("Event name").FillAsync(name);
        await first.GetByLabel("Capacity").FillAsync("50");
        await page.GetByRole(AriaRole.Button, new() { Name = "Put on sale" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("The event is on sale.");
        await page.AccessibleAsync();
        await page.ScreenshotAsync("organizer-edit");

        await using var buyer = await web.OpenAsync();
        await buyer.Page.GotoAsync("/");
        await buyer.Page.GetByLabel("City", new() { Exact = true }).SelectOptionAsync("Porto");
        await buyer.Page.GetByRole(AriaRole.Button, new() { Name = "Show events" }).ClickAsync();
        await buyer.Page.GetByRole(AriaRole.Link, new() { Name = name }).ClickAsync();
        await Expect(buyer.Page.GetByRole(AriaRole.Heading, new() { Name = name })).ToBeVisibleAsync();
        await Expect(buyer.Page.GetByRole(AriaRole.Row, new() { Name = "General 39.50 EUR 50" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task An_organizer_edits_an_event_and_adds_a_ticket_type()
    {
        var (eventId, _, _) = await web.Host.CreateEventAsync();
        await using var session = await web.OpenAsync();
        var page = session.Page;
        await page.SignInAsync(WebHost.OrganizerEmail, WebHost.OrganizerPassword);
        await page.GotoAsync($"/organizer/events/{eventId}/edit");

        var renamed = "Renamed night " + Guid.NewGuid().ToString("N")[..6];
        await page.GetByLabel("Event name").FillAsync(renamed);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save details" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Details saved.");

        var added = page.GetByRole(AriaRole.Group, new() { Name = "Add a ticket type" });
        await added.GetByLabel("Ticket name").FillAsync("Balcony");
        await added.GetByLabel("Price").FillAsync("60");
        await added.GetByLabel("Capacity").FillAsync("20");
        await added.GetByLabel("Most per order").FillAsync("4");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add ticket type" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Ticket type Balcony added.");

        await page.GotoAsync($"/events/{eventId}");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = renamed })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Row, new() { Name = "Balcony 60.00 EUR 20" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task An_organizer_sees_a_sale_move_in_the_live_view_without_reloading()
    {
        var (eventId, typeId, _) = await web.Host.CreateEventAsync(capacity: 50);
        await using var session = await web.OpenAsync();
        var page = session.Page;
        await page.SignInAsync(WebHost.OrganizerEmail, WebHost.OrganizerPassword);
        await page.GotoAsync($"/organizer/events/{eventId}/sales");
        var sold = page.Locator("[data-stat=sold]");
        await Expect(sold).ToHaveTextAsync("0");
        var line = page.Locator("polyline.line");
        var flat = await line.GetAttributeAsync("points");
        await page.AccessibleAsync();
        await page.MarkAsync();

        for (var i = 0; i < 3; i++)
        {
            using var buyer = await web.Host.BuyerClientAsync();
            await WebHost.ReserveAsync(buyer, typeId, 2);
        }

        await Expect(sold).ToHaveTextAsync("6");
        await Expect(page.Locator("[data-stat=revenue]")).ToHaveTextAsync("270.00 EUR");
        (await line.GetAttributeAsync("points")).ShouldNotBe(flat, "the chart moved");
        (await page.StillMarkedAsync()).ShouldBeTrue();
        await page.ScreenshotAsync("organizer-sales");
    }

    [Fact]
    public async Task A_buyer_is_not_let_into_the_organizer_pages()
    {
        await using var session = await web.OpenAsync();
        var page = session.Page;
        await page.SignInAsync(await web.Host.RegisterAsync(), WebHost.BuyerPassword);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Organize" })).ToHaveCountAsync(0);
        await page.GotoAsync("/operator");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Not allowed" })).ToBeVisibleAsync();
        await page.GotoAsync("/organizer/events/new");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Not allowed" })).ToBeVisibleAsync();
    }
}

using System.Text.RegularExpressions;
using BoxOffice.Web.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BoxOffice.Web.Tests;

/// <summary>The gateway takes about a second per payment here, so "Accepted" is on screen before the outcome.</summary>
public sealed class SlowGatewayFixture : WebFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["PaymentGateway:LatencyMedianMs"] = "1200",
        ["PaymentGateway:LatencyP99Ms"] = "1500",
    };
}

/// <summary>A buyer's journeys in a real browser, located by role and label as a person would.</summary>
public sealed partial class BuyingTickets(SlowGatewayFixture web) : IClassFixture<SlowGatewayFixture>
{
    [Fact]
    public async Task A_new_buyer_signs_up_reserves_sees_Accepted_then_Acquired_with_codes_live_without_reloading()
    {
        var (eventId, _, name) = await web.Host.CreateEventAsync(capacity: 20);
        await using var session = await web.OpenAsync();
        var page = session.Page;

        await page.GotoAsync("/account/register");
        await page.AccessibleAsync();
        await page.GetByLabel("Your name").FillAsync("Dana Buyer");
        await page.GetByLabel("E-mail").FillAsync($"dana-{Guid.NewGuid():N}@example.test");
        await page.GetByLabel("Birth date").FillAsync("1992-03-04");
        await page.GetByLabel("Password").FillAsync("Dana-pass-12345");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create my account" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();

        await page.GetByLabel("Search by name").FillAsync(name);
        await page.GetByRole(AriaRole.Button, new() { Name = "Show events" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = name }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/events/{eventId}$"));
        await page.AccessibleAsync();
        await page.ScreenshotAsync("event");

        await page.GetByLabel("Quantity").FillAsync("2");
        await page.GetByLabel("Payment card").SelectOptionAsync(new SelectOptionValue { Label = "Test card: Visa, always succeeds" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Reserve" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Accepted — we are processing your payment" })).ToBeVisibleAsync();
        await page.MarkAsync();
        await page.ScreenshotAsync("reservation-accepted");
        await page.AccessibleAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Acquired — your tickets are ready" })).ToBeVisibleAsync();
        (await page.StillMarkedAsync()).ShouldBeTrue("the page updated itself; it was not reloaded");
        var codes = page.Locator("code.code");
        await Expect(codes).ToHaveCountAsync(2);
        await Expect(page.GetByRole(AriaRole.Img, new() { NameRegex = new Regex("^QR code of ticket ") })).ToHaveCountAsync(2);
        await page.AccessibleAsync();
        await page.ScreenshotAsync("reservation-acquired");

        var firstCode = await codes.First.InnerTextAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "My tickets" }).ClickAsync();
        await Expect(page.GetByText(firstCode)).ToBeVisibleAsync();
        await page.AccessibleAsync();
        await page.ScreenshotAsync("my-tickets");

        await page.GetByRole(AriaRole.Link, new() { Name = "Reservations" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = "Acquired" })).ToBeVisibleAsync();
        await page.AccessibleAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Notifications" }).ClickAsync();
        await Expect(page.GetByText(new Regex("ticket", RegexOptions.IgnoreCase)).First).ToBeVisibleAsync();
        await page.AccessibleAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Points & picks" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Loyalty points" })).ToBeVisibleAsync();
        await page.AccessibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Sign in" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_declined_card_shows_the_reservation_released_with_the_reason()
    {
        var (eventId, _, _) = await web.Host.CreateEventAsync();
        await using var session = await web.OpenAsync();
        var page = session.Page;
        await page.SignInAsync(await web.Host.RegisterAsync(), WebHost.BuyerPassword);

        await page.GotoAsync($"/events/{eventId}");
        await page.GetByLabel("Payment card").SelectOptionAsync(new SelectOptionValue { Label = "Test card: always declined" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Reserve" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Accepted — we are processing your payment" })).ToBeVisibleAsync();
        await page.MarkAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Released" })).ToBeVisibleAsync();
        await Expect(page.GetByText("The payment did not go through: your card was declined. No money was taken.")).ToBeVisibleAsync();
        (await page.StillMarkedAsync()).ShouldBeTrue();
        await page.ScreenshotAsync("reservation-declined");
    }

    [Fact]
    public async Task A_payment_that_asks_for_a_one_time_code_shows_the_challenge_live_and_is_acquired_once_confirmed()
    {
        var (eventId, _, _) = await web.Host.CreateEventAsync();
        await using var session = await web.OpenAsync();
        var page = session.Page;
        await page.SignInAsync(await web.Host.RegisterAsync(), WebHost.BuyerPassword);

        await page.GotoAsync($"/events/{eventId}");
        await page.GetByLabel("Payment card").SelectOptionAsync(new SelectOptionValue { Label = "Test card: asks for a one-time code (enter 123456)" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Reserve" }).ClickAsync();
        await page.MarkAsync();

        var confirm = page.GetByRole(AriaRole.Link, new() { Name = "Confirm the payment" });
        await Expect(confirm).ToBeVisibleAsync();
        await page.ScreenshotAsync("reservation-challenge");
        var bank = await page.Context.RunAndWaitForPageAsync(() => confirm.ClickAsync());
        await bank.GetByLabel("Code from your banking app").FillAsync("123456");
        await bank.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();
        await Expect(bank.GetByRole(AriaRole.Heading, new() { Name = "Payment confirmed" })).ToBeVisibleAsync();
        await bank.CloseAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Acquired — your tickets are ready" })).ToBeVisibleAsync();
        (await page.StillMarkedAsync()).ShouldBeTrue();
    }

    [Fact]
    public async Task Sold_out_and_age_restricted_refusals_show_their_messages()
    {
        var (soldOutId, soldOutType, _) = await web.Host.CreateEventAsync(capacity: 2);
        var (adultsId, _, _) = await web.Host.CreateEventAsync(minimumAge: 18);
        await using var session = await web.OpenAsync();
        var page = session.Page;
        await page.SignInAsync(await web.Host.RegisterAsync(birthDate: "2012-01-01"), WebHost.BuyerPassword);

        // The page was loaded with tickets left; someone else takes them before the click.
        await page.GotoAsync($"/events/{soldOutId}");
        using (var other = await web.Host.BuyerClientAsync())
        {
            await WebHost.ReserveAsync(other, soldOutType, 2);
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "Reserve" }).ClickAsync();
        var refusal = page.GetByRole(AriaRole.Alert);
        await Expect(refusal).ToContainTextAsync("Not reserved");
        await Expect(refusal).ToContainTextAsync(new Regex("sold out|left", RegexOptions.IgnoreCase));
        await page.AccessibleAsync();
        await page.ScreenshotAsync("refused-sold-out");
        await page.ReloadAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Sold out" })).ToBeVisibleAsync();

        await page.GotoAsync($"/events/{adultsId}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Reserve" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync(new Regex("18", RegexOptions.IgnoreCase));
    }

    [Fact]
    public async Task A_new_user_buys_a_ticket_with_the_demo_login_shown_on_the_sign_in_page()
    {
        await using var session = await web.OpenAsync();
        var page = session.Page;
        await page.GotoAsync("/");
        await page.AccessibleAsync();
        await page.ScreenshotAsync("events");
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in" }).ClickAsync();
        var demo = page.GetByRole(AriaRole.Region, new() { Name = "Demo logins" });
        await Expect(demo).ToContainTextAsync("alice@boxoffice.local");
        await Expect(demo).ToContainTextAsync(WebHost.BuyerPassword);
        await page.AccessibleAsync();
        await page.ScreenshotAsync("sign-in");
        await page.GetByLabel("E-mail").FillAsync("alice@boxoffice.local");
        await page.GetByLabel("Password").FillAsync(WebHost.BuyerPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        // The first seeded event that is for everyone and has tickets.
        var card = page.Locator("li.card").Filter(new() { HasNotText = "18+" }).Filter(new() { HasNotText = "Sold out" }).First;
        await card.GetByRole(AriaRole.Link).First.ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Reserve" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Acquired — your tickets are ready" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task The_pages_work_by_keyboard_and_on_a_phone_screen()
    {
        var (eventId, _, _) = await web.Host.CreateEventAsync();
        await using var session = await web.OpenAsync(phone: true);
        var page = session.Page;
        await page.GotoAsync("/");
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Skip to content" })).ToBeFocusedAsync();
        (await page.EvaluateAsync<string>("() => getComputedStyle(document.activeElement).outlineStyle")).ShouldNotBe("none", "focus is visible");

        foreach (var path in new[] { "/", $"/events/{eventId}", "/account/login", "/account/register" })
        {
            await page.GotoAsync(path);
            var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
            overflow.ShouldBeLessThanOrEqualTo(0, $"{path} fits a 375 px wide screen");
        }

        await page.GotoAsync($"/events/{eventId}");
        await page.ScreenshotAsync("event-phone");
    }
}

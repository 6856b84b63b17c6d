using System.Net;
using System.Net.Http.Json;
using BoxOffice.Host.Tests.Support;

namespace BoxOffice.Host.Tests.Organizing;

/// <summary>What the organizer's pages stand on: editing an event, adding a ticket type, an event's live sales.</summary>
public sealed class EditingEventsAndWatchingSales(HostFixture host) : IClassFixture<HostFixture>
{
    private TestApp App => host.App;

    private static object Details(string name, DateTimeOffset startsAt, int minimumAge = 0) => new
    {
        name,
        venue = "New Hall",
        city = "Porto",
        category = "Theatre",
        performers = new[] { "The Understudies" },
        startsAt,
        minimumAge,
        description = "Moved and renamed.",
    };

    [Fact]
    public async Task The_organizer_edits_an_event_and_buyers_see_the_new_details()
    {
        var (eventId, _) = await App.CreateEventAsync();
        using var organizer = await App.OrganizerAsync();
        var startsAt = DateTimeOffset.UtcNow.AddDays(20);

        var response = await organizer.PutAsJsonAsync($"/api/events/{eventId}", Details("  Renamed night ", startsAt, minimumAge: 16), TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        using var anonymous = App.Client();
        var seen = await TestApp.Json(await anonymous.GetAsync(new Uri($"/api/events/{eventId}", UriKind.Relative), TestContext.Current.CancellationToken));
        seen["name"]!.GetValue<string>().ShouldBe("Renamed night");
        seen["city"]!.GetValue<string>().ShouldBe("Porto");
        seen["category"]!.GetValue<string>().ShouldBe("theatre");
        seen["minimumAge"]!.GetValue<int>().ShouldBe(16);
        seen["startsAt"]!.GetValue<DateTimeOffset>().ToUnixTimeMilliseconds().ShouldBe(startsAt.ToUnixTimeMilliseconds());
        seen["ticketTypes"]!.AsArray().Count.ShouldBe(1);
    }

    [Fact]
    public async Task An_edit_is_checked_as_a_creation_is_and_is_the_organizers_alone()
    {
        var (eventId, _) = await App.CreateEventAsync();
        using var organizer = await App.OrganizerAsync();

        var invalid = await organizer.PutAsJsonAsync($"/api/events/{eventId}", Details("", DateTimeOffset.UtcNow.AddDays(-1)), TestContext.Current.CancellationToken);
        invalid.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var errors = (await TestApp.Json(invalid))["errors"]!.AsObject().Select(e => e.Key).Order(StringComparer.Ordinal).ToList();
        errors.ShouldBe(["name", "startsAt"]);

        var unknown = await organizer.PutAsJsonAsync($"/api/events/{Guid.NewGuid()}", Details("Nowhere", DateTimeOffset.UtcNow.AddDays(3)), TestContext.Current.CancellationToken);
        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);

        using var buyer = await App.BuyerAsync();
        var byBuyer = await buyer.PutAsJsonAsync($"/api/events/{eventId}", Details("Mine now", DateTimeOffset.UtcNow.AddDays(3)), TestContext.Current.CancellationToken);
        byBuyer.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_organizer_adds_a_ticket_type_after_the_others_and_buyers_can_reserve_it()
    {
        var (eventId, _) = await App.CreateEventAsync();
        using var organizer = await App.OrganizerAsync();

        var added = await organizer.PostAsJsonAsync($"/api/events/{eventId}/ticket-types",
            new { name = "Balcony", price = 6_000L, currency = "EUR", capacity = 20, maxPerOrder = 4 }, TestContext.Current.CancellationToken);

        added.StatusCode.ShouldBe(HttpStatusCode.Created, await added.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var typeId = (await TestApp.Json(added))["id"]!.GetValue<Guid>();
        using var anonymous = App.Client();
        var seen = await TestApp.Json(await anonymous.GetAsync(new Uri($"/api/events/{eventId}", UriKind.Relative), TestContext.Current.CancellationToken));
        seen["ticketTypes"]!.AsArray().Select(t => t!["name"]!.GetValue<string>()).ShouldBe(["General", "Balcony"]);
        using var buyer = await App.BuyerAsync();
        var id = await buyer.ReserveAcceptedAsync(typeId, 2);
        await buyer.UntilAsync(id, r => r.Status() == "Acquired", "the new type's tickets are bought");

        var invalid = await organizer.PostAsJsonAsync($"/api/events/{eventId}/ticket-types",
            new { name = "Free", price = -1L, currency = "eur", capacity = 0, maxPerOrder = 1 }, TestContext.Current.CancellationToken);
        invalid.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await TestApp.Json(invalid))["errors"]!.AsObject().Select(e => e.Key).Order(StringComparer.Ordinal).ShouldBe(["capacity", "currency", "maxPerOrder", "price"]);
        var unknown = await organizer.PostAsJsonAsync($"/api/events/{Guid.NewGuid()}/ticket-types",
            new { name = "Balcony", price = 6_000L, currency = "EUR", capacity = 20, maxPerOrder = 4 }, TestContext.Current.CancellationToken);
        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_events_sales_count_what_was_sold_released_and_earned_over_time()
    {
        var (eventId, typeId) = await App.CreateEventAsync(capacity: 10, price: 2_500);
        using var paying = await App.BuyerAsync();
        var bought = await paying.ReserveAcceptedAsync(typeId, 3);
        await paying.UntilAsync(bought, r => r.Status() == "Acquired", "3 tickets are sold");
        using var declined = await App.BuyerAsync();
        var released = await declined.ReserveAcceptedAsync(typeId, 2, "tok_chargeDeclined");
        await declined.UntilAsync(released, r => r.Status() == "Released", "2 tickets are released");
        using var organizer = await App.OrganizerAsync();

        var sales = await TestApp.Json(await organizer.GetAsync(new Uri($"/api/events/{eventId}/sales?bucketSeconds=10", UriKind.Relative), TestContext.Current.CancellationToken));

        sales["sold"]!.GetValue<long>().ShouldBe(3);
        sales["held"]!.GetValue<long>().ShouldBe(0);
        sales["released"]!.GetValue<long>().ShouldBe(2);
        sales["expired"]!.GetValue<long>().ShouldBe(0);
        var revenue = sales["revenue"]!.AsArray().ShouldHaveSingleItem()!;
        (revenue["currency"]!.GetValue<string>(), revenue["amount"]!.GetValue<long>()).ShouldBe(("EUR", 7_500L));
        var type = sales["ticketTypes"]!.AsArray().ShouldHaveSingleItem()!;
        (type["sold"]!.GetValue<int>(), type["available"]!.GetValue<int>()).ShouldBe((3, 7));
        var series = sales["soldOverTime"]!.AsArray();
        series.Count.ShouldBe(60);
        series[^1]!["tickets"]!.GetValue<long>().ShouldBe(3);
        series.Select(p => p!["tickets"]!.GetValue<long>()).ShouldBe(series.Select(p => p!["tickets"]!.GetValue<long>()).Order(), "the series is cumulative");
        series[0]!["tickets"]!.GetValue<long>().ShouldBeLessThanOrEqualTo(3);
    }

    [Fact]
    public async Task Sales_are_the_organizers_alone_and_the_bucket_is_bounded()
    {
        var (eventId, _) = await App.CreateEventAsync();
        using var organizer = await App.OrganizerAsync();
        (await organizer.GetAsync(new Uri($"/api/events/{eventId}/sales?bucketSeconds=0", UriKind.Relative), TestContext.Current.CancellationToken))
            .StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await organizer.GetAsync(new Uri($"/api/events/{Guid.NewGuid()}/sales", UriKind.Relative), TestContext.Current.CancellationToken))
            .StatusCode.ShouldBe(HttpStatusCode.NotFound);
        using var buyer = await App.BuyerAsync();
        (await buyer.GetAsync(new Uri($"/api/events/{eventId}/sales", UriKind.Relative), TestContext.Current.CancellationToken))
            .StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }
}

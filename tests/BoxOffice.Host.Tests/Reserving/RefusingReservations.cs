using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using BoxOffice.Host.Tests.Support;
using BoxOffice.Messaging.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace BoxOffice.Host.Tests.Reserving;

/// <summary>Every refusal has its status and stable problem type, and changes nothing.</summary>
public sealed class RefusingReservations(HostFixture fixture) : IClassFixture<HostFixture>
{
    private TestApp App => fixture.App;

    private static Task<HttpResponseMessage> PostRawAsync(HttpClient client, string json) =>
        client.PostAsync(new Uri("/api/reservations", UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

    private async Task ShouldHaveChangedNothingAsync(HttpClient buyer, Guid eventId, int available)
    {
        (await App.AvailableAsync(eventId)).ShouldBe(available);
        ((JsonArray)(await TestApp.Json(await buyer.GetAsync(new Uri("/api/me/reservations", UriKind.Relative), TestContext.Current.CancellationToken)))).ShouldBeEmpty();
    }

    [Fact]
    public async Task Invalid_input_is_a_400_problem()
    {
        var (eventId, type) = await App.CreateEventAsync(capacity: 10, maxPerOrder: 4);
        using var buyer = await App.BuyerAsync();

        string[] bodies =
        [
            $$"""{"ticketTypeId":"{{type}}","quantity":0,"paymentToken":"tok_visa"}""",
            $$"""{"ticketTypeId":"{{type}}","quantity":-2,"paymentToken":"tok_visa"}""",
            $$"""{"ticketTypeId":"{{type}}","paymentToken":"tok_visa"}""",
            $$"""{"ticketTypeId":"{{type}}","quantity":1}""",
            $$"""{"quantity":1,"paymentToken":"tok_visa"}""",
            $$"""{"ticketTypeId":"{{type}}","quantity":"two","paymentToken":"tok_visa"}""",
            $$"""{"ticketTypeId":"{{type}}","quantity":1,"paymentToken":"tok_visa","userId":"{{Guid.NewGuid()}}"}""",
            $$"""{"ticketTypeId":"not-a-guid","quantity":1,"paymentToken":"tok_visa"}""",
            """{"ticketTypeId": """,
            "[]",
            $$"""{"ticketTypeId":"{{type}}","quantity":1,"paymentToken":"{{new string('x', 8_000)}}"}""",
        ];
        foreach (var body in bodies)
        {
            await (await PostRawAsync(buyer, body)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
        }

        await (await buyer.ReserveAsync(type, 5)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
        await ShouldHaveChangedNothingAsync(buyer, eventId, 10);
    }

    [Fact]
    public async Task A_malformed_body_is_explained_in_the_API_s_words()
    {
        var (_, type) = await App.CreateEventAsync(capacity: 10, maxPerOrder: 4);
        using var buyer = await App.BuyerAsync();

        async Task<string> DetailAsync(string json)
        {
            var response = await PostRawAsync(buyer, json);
            await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
            return (await TestApp.Json(response))["detail"]!.GetValue<string>();
        }

        (await DetailAsync($$"""{"ticketTypeId":"{{type}}","quantity":"two","paymentToken":"tok_visa"}""")).ShouldBe("'quantity' must be a whole number.");
        (await DetailAsync("""{"ticketTypeId":"not-a-guid","quantity":1,"paymentToken":"tok_visa"}""")).ShouldBe("'ticketTypeId' must be a UUID.");
        (await DetailAsync($$"""{"ticketTypeId":"{{type}}","quantity":1,"paymentToken":"tok_visa","userId":"x"}""")).ShouldBe("'userId' is not a property of this request.");
        (await DetailAsync("""{"ticketTypeId": """)).ShouldStartWith("The body is not valid JSON (line 1, byte");
    }

    [Fact]
    public async Task A_price_capacity_or_max_per_order_above_its_bound_is_a_400_naming_the_field_and_stores_nothing()
    {
        using var organizer = await App.OrganizerAsync();
        (string Field, object TicketType)[] cases =
        [
            ("ticketTypes[0].price", new { name = "General", price = 100_000_001L, currency = "EUR", capacity = 100, maxPerOrder = 6 }),
            ("ticketTypes[0].price", new { name = "General", price = long.MaxValue, currency = "EUR", capacity = 100, maxPerOrder = 6 }),
            ("ticketTypes[0].capacity", new { name = "General", price = 4_500L, currency = "EUR", capacity = 1_000_001, maxPerOrder = 6 }),
            ("ticketTypes[0].maxPerOrder", new { name = "General", price = 4_500L, currency = "EUR", capacity = 1_000, maxPerOrder = 101 }),
        ];
        foreach (var (field, ticketType) in cases)
        {
            var name = "Too big " + Guid.NewGuid().ToString("N")[..8];
            var response = await organizer.PostAsJsonAsync("/api/events", new
            {
                name, venue = "Hall", city = "Lisbon", category = "concert", performers = new[] { "Band" },
                startsAt = DateTimeOffset.UtcNow.AddDays(10), minimumAge = 0, description = "x", ticketTypes = new[] { ticketType },
            }, TestContext.Current.CancellationToken);

            await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
            var errors = (await TestApp.Json(response))["errors"]!.AsObject();
            errors.Select(e => e.Key).ShouldBe([field]);
            (await App.CountAsync("tickets", $"SELECT COUNT(*) FROM events WHERE name = '{name}'")).ShouldBe(0);
        }
    }

    [Fact]
    public async Task A_total_too_large_to_charge_is_a_400_problem_and_holds_and_publishes_nothing()
    {
        var (eventId, type) = await App.CreateEventAsync(capacity: 10, maxPerOrder: 4);
        // A stored price past the catalog's bound (written before the bound existed, or by hand): 2 x 2^62 wraps a long.
        await using (var tx = await Tickets.BeginAsync(TestContext.Current.CancellationToken))
        {
            await tx.Command($"UPDATE ticket_types SET price = 4611686018427387904 WHERE id = '{type}'").ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
            await tx.CommitAsync(TestContext.Current.CancellationToken);
        }

        using var buyer = await App.BuyerAsync();

        await (await buyer.ReserveAsync(type, 2)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
        await ShouldHaveChangedNothingAsync(buyer, eventId, 10);
        (await App.CountAsync("tickets", $"SELECT COUNT(*) FROM event_log WHERE type LIKE 'tickets.held.%' AND payload LIKE '%{type}%'")).ShouldBe(0);
    }

    private ServiceDatabase Tickets => App.Services.GetRequiredKeyedService<ServiceDatabase>("tickets");


    [Fact]
    public async Task Without_a_token_it_is_401()
    {
        var (_, type) = await App.CreateEventAsync();
        using var anonymous = App.Client();

        var response = await anonymous.ReserveAsync(type, 1);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await anonymous.GetAsync(new Uri("/api/me/tickets", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_buyer_younger_than_the_minimum_age_on_the_event_date_is_403_age_restricted()
    {
        var (eventId, type) = await App.CreateEventAsync(capacity: 10, minimumAge: 18);
        var seventeen = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(10)).AddYears(-18).AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        using var minor = await App.BuyerAsync(birthDate: seventeen);
        using var adult = await App.BuyerAsync(birthDate: "1990-01-01");

        await (await minor.ReserveAsync(type, 1)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "age-restricted");
        await ShouldHaveChangedNothingAsync(minor, eventId, 10);
        (await adult.ReserveAsync(type, 1)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task An_unknown_ticket_type_is_404()
    {
        using var buyer = await App.BuyerAsync();

        await (await buyer.ReserveAsync(Guid.NewGuid(), 1)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Asking_for_more_than_is_left_is_409_sold_out_and_holds_nothing()
    {
        var (eventId, type) = await App.CreateEventAsync(capacity: 3, maxPerOrder: 3);
        using var first = await App.BuyerAsync();
        using var second = await App.BuyerAsync();
        await first.ReserveAcceptedAsync(type, 2, "tok_threeDSecureRequired");

        await (await second.ReserveAsync(type, 2)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "sold-out");
        await ShouldHaveChangedNothingAsync(second, eventId, 1);
    }

    [Fact]
    public async Task A_second_pending_reservation_for_an_event_is_409_pending_reservation_exists_naming_the_first()
    {
        var (eventId, type) = await App.CreateEventAsync(capacity: 100, maxPerOrder: 8);
        using var buyer = await App.BuyerAsync();
        var pending = await buyer.ReserveAcceptedAsync(type, 2, "tok_threeDSecureRequired");

        var problem = await (await buyer.ReserveAsync(type, 1)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "pending-reservation-exists");

        problem["detail"]!.GetValue<string>().ShouldBe(
            $"You already have a pending reservation for this event ({pending}); complete or cancel it before reserving again.");
        problem["reservationId"]!.GetValue<Guid>().ShouldBe(pending);
        (await buyer.ReservationAsync(pending)).Status().ShouldBe("Pending");
        (await App.AvailableAsync(eventId)).ShouldBe(98);
    }

    [Fact]
    public async Task More_than_ten_tickets_for_an_event_counting_acquired_ones_is_409_ticket_limit_saying_how_many()
    {
        var (eventId, type) = await App.CreateEventAsync(capacity: 100, maxPerOrder: 8);
        using var collector = await App.BuyerAsync();
        var bought = await collector.ReserveAcceptedAsync(type, 8);
        await collector.UntilAsync(bought, r => r.Status() == "Acquired", "eight tickets are acquired");

        // Acquired tickets count too: 8 owned + 4 more would pass ten.
        var problem = await (await collector.ReserveAsync(type, 4)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "ticket-limit");

        problem["detail"]!.GetValue<string>().ShouldBe(
            "You hold or bought 8 of the 10 tickets allowed per buyer for this event; 4 more would take you over.");
        problem["ticketsHeldOrBought"]!.GetValue<int>().ShouldBe(8);
        problem["maxTicketsPerBuyer"]!.GetValue<int>().ShouldBe(10);
        (await collector.ReserveAsync(type, 2, "tok_threeDSecureRequired")).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await App.AvailableAsync(eventId)).ShouldBe(90);
    }

    [Fact]
    public async Task Organizers_only_create_events_and_capacity_never_goes_below_what_is_held_or_sold()
    {
        var (eventId, type) = await App.CreateEventAsync(capacity: 10);
        using var buyer = await App.BuyerAsync();
        (await buyer.PostAsJsonAsync("/api/events", new { name = "x" }, TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        await buyer.ReserveAcceptedAsync(type, 4, "tok_threeDSecureRequired");
        using var organizer = await App.OrganizerAsync();
        var capacity = new Uri($"/api/events/{eventId}/ticket-types/{type}/capacity", UriKind.Relative);

        await (await organizer.PutAsJsonAsync(capacity, new { capacity = 3 }, TestContext.Current.CancellationToken))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict, "capacity-below-committed");
        (await App.AvailableAsync(eventId)).ShouldBe(6);
        var raised = await organizer.PutAsJsonAsync(capacity, new { capacity = 25 }, TestContext.Current.CancellationToken);
        raised.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await App.AvailableAsync(eventId)).ShouldBe(21);
    }
}

using BoxOffice.Tickets.Catalog;
using BoxOffice.Tickets.Reservations;

namespace BoxOffice.Tickets.Tests.Catalog;

public sealed class ValidatingRequests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    private static CreateEventBody Valid() => new("Hamlet", "Globe", "London", "theatre", ["Players"], Now.AddDays(3), 0, "A play.",
        [new TicketTypeBody("Stalls", 5_000, "GBP", 100, 6)]);

    [Fact]
    public void A_complete_event_is_valid() => CreateEvent.Validate(Valid(), Now).ShouldBeEmpty();

    [Fact]
    public void Each_invalid_field_is_named()
    {
        var body = Valid() with { Name = " ", StartsAt = Now.AddMinutes(-1), MinimumAge = 120, TicketTypes = [new TicketTypeBody("", -1, "eur", 0, 0)] };

        CreateEvent.Validate(body, Now).Keys.Order().ShouldBe(
            ["minimumAge", "name", "startsAt", "ticketTypes[0].capacity", "ticketTypes[0].currency", "ticketTypes[0].maxPerOrder", "ticketTypes[0].name", "ticketTypes[0].price"]);
    }

    [Fact]
    public void Price_capacity_and_max_per_order_have_upper_bounds()
    {
        CreateEvent.Validate(Valid() with { TicketTypes = [new TicketTypeBody("Stalls", 100_000_000, "GBP", 1_000_000, 100)] }, Now).ShouldBeEmpty();

        CreateEvent.Validate(Valid() with { TicketTypes = [new TicketTypeBody("Stalls", 100_000_001, "GBP", 1_000_001, 101)] }, Now).Keys.Order()
            .ShouldBe(["ticketTypes[0].capacity", "ticketTypes[0].maxPerOrder", "ticketTypes[0].price"]);
        CreateEvent.Validate(Valid() with { TicketTypes = [new TicketTypeBody("Stalls", long.MaxValue, "GBP", 1_000, 101)] }, Now).Keys.Order()
            .ShouldBe(["ticketTypes[0].maxPerOrder", "ticketTypes[0].price"]);
    }

    [Fact]
    public void A_reserve_request_needs_a_ticket_type_a_positive_quantity_and_a_payment_token()
    {
        ReserveTickets.Validate(new ReserveBody(Guid.NewGuid(), 2, "tok_visa"), "").ShouldBeEmpty();
        ReserveTickets.Validate(new ReserveBody(null, 0, ""), new string('k', 201)).Keys.Order()
            .ShouldBe(["Idempotency-Key", "paymentToken", "quantity", "ticketTypeId"]);
        ReserveTickets.Validate(new ReserveBody(Guid.NewGuid(), -3, "tok_visa"), "").Keys.ShouldBe(["quantity"]);
    }
}

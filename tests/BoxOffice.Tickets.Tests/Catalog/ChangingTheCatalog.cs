using BoxOffice.Contracts.Tickets;
using BoxOffice.Tickets.Catalog;
using BoxOffice.Tickets.Storage;

namespace BoxOffice.Tickets.Tests.Catalog;

/// <summary>Creating an event and changing a capacity, decided without a host or a database.</summary>
public sealed class ChangingTheCatalog
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly Guid Organizer = Guid.CreateVersion7();

    [Fact]
    public void A_new_event_is_stored_trimmed_with_its_types_in_order_and_published()
    {
        var startsAt = Now.AddDays(3);
        IReadOnlyList<string> performers = ["Players"];
        var body = new CreateEventBody(" Hamlet ", " Globe", "London ", " Theatre", performers, startsAt, null, null,
            [new TicketTypeBody(" Stalls ", 5_000, "gbp", 100, 6), new TicketTypeBody("Balcony", 3_000, "GBP", 50, 4)]);
        var id = Guid.CreateVersion7();
        Guid[] typeIds = [Guid.CreateVersion7(), Guid.CreateVersion7()];

        var decision = CreateEvent.Decide(body, Organizer, id, typeIds, Now);

        var created = decision.Changes.ShouldHaveSingleItem().ShouldBeOfType<EventCreated>();
        created.Event.ShouldBe(new EventRow(id, Organizer, "Hamlet", "Globe", "London", "theatre", performers, startsAt, 0, string.Empty, Now));
        created.TicketTypes.ShouldBe(
            [new TicketTypeRow(typeIds[0], "Stalls", 5_000, "GBP", 100, 6, 0), new TicketTypeRow(typeIds[1], "Balcony", 3_000, "GBP", 50, 4, 1)]);
        decision.Events.Select(e => e.Event).ShouldBe([new EventPublished(id, "Hamlet", "Globe", "London", "theatre", performers, startsAt, 0)]);
    }

    [Fact]
    public void A_capacity_goes_down_to_what_is_held_or_sold_and_takes_the_max_per_order_with_it()
    {
        var type = new CapacityState(Guid.CreateVersion7(), Organizer, Committed: 40, MaxPerOrder: 6);

        var lowered = ChangeCapacity.Decide(type, Organizer, 40);
        var raised = ChangeCapacity.Decide(type, Organizer, 500);
        var tiny = ChangeCapacity.Decide(type with { Committed = 0 }, Organizer, 4);

        lowered.Result.ShouldBeOfType<CapacityOutcome.Changed>();
        lowered.Decision.Changes.ShouldBe([new CapacityChanged(type.TicketTypeId, 40, 6)]);
        raised.Decision.Changes.ShouldBe([new CapacityChanged(type.TicketTypeId, 500, 6)]);
        tiny.Decision.Changes.ShouldBe([new CapacityChanged(type.TicketTypeId, 4, 4)]);
        lowered.Decision.Events.ShouldBeEmpty();
    }

    [Fact]
    public void A_capacity_below_what_is_held_or_sold_is_refused()
    {
        var verdict = ChangeCapacity.Decide(new CapacityState(Guid.CreateVersion7(), Organizer, Committed: 40, MaxPerOrder: 6), Organizer, 39);

        verdict.Result.ShouldBe(new CapacityOutcome.BelowCommitted(40));
        verdict.Decision.IsEmpty.ShouldBeTrue();
    }

    [Fact]
    public void Another_organizers_ticket_type_is_as_unknown_as_a_missing_one()
    {
        ChangeCapacity.Decide(new CapacityState(Guid.CreateVersion7(), Organizer, 0, 6), Guid.CreateVersion7(), 10).Result.ShouldBeOfType<CapacityOutcome.NotFound>();
        ChangeCapacity.Decide(null, Organizer, 10).Result.ShouldBeOfType<CapacityOutcome.NotFound>();
    }
}

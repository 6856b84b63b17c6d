using BoxOffice.Contracts.Tickets;
using BoxOffice.Recommendations.Catalog;
using BoxOffice.Recommendations.Purchases;
using BoxOffice.Recommendations.Storage;

namespace BoxOffice.Recommendations.Tests;

/// <summary>The pure decisions of the Recommendations consumer: no host, no database.</summary>
public sealed class DecidingRecommendations
{
    private static readonly DateTimeOffset Bought = new(2031, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static readonly TicketsAcquired Acquired = new(
        Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), 3, 9_000, "EUR", ["A", "B", "C"]);

    [Fact]
    public void An_acquisition_is_recorded_with_its_place_in_the_tickets_log_and_its_time()
    {
        var decision = RecordPurchase.Decide(recorded: false, Acquired, sequence: 42, Bought);

        decision.Events.ShouldBeEmpty();
        decision.Changes.ShouldBe([new RecommendationsChange.PurchaseRecorded(Acquired.ReservationId, Acquired.UserId, Acquired.EventId, 3, 42, Bought)]);
    }

    [Fact]
    public void An_acquisition_recorded_already_decides_nothing()
    {
        RecordPurchase.Decide(recorded: true, Acquired, sequence: 43, Bought).IsEmpty.ShouldBeTrue();
    }

    [Fact]
    public void A_publication_keeps_the_ranking_facts_and_each_named_performer_once()
    {
        var starts = new DateTimeOffset(2031, 6, 14, 19, 30, 0, TimeSpan.FromHours(1));
        var published = new EventPublished(Guid.CreateVersion7(), "Hamlet", "Royal Court Theatre", "London", "theatre",
            ["A. Actor", " ", "B. Actor", "A. Actor", ""], starts, 12);

        var kept = KeepEvent.Decide(published).Changes.ShouldHaveSingleItem().ShouldBeOfType<RecommendationsChange.EventKept>();

        kept.EventId.ShouldBe(published.EventId);
        (kept.Name, kept.City, kept.Category, kept.StartsAt, kept.MinimumAge).ShouldBe(("Hamlet", "London", "theatre", starts, 12));
        kept.Performers.ShouldBe(["A. Actor", "B. Actor"]);
    }
}

using BoxOffice.Recommendations.Ranking;
using static BoxOffice.Recommendations.Tests.Support.Catalog;

namespace BoxOffice.Recommendations.Tests.Ranking;

/// <summary>The pure ranking: what is never suggested, what comes first and why, with no host.</summary>
public sealed class RankingEvents
{
    private static readonly CatalogEvent Hamlet = Event("Hamlet", "theatre", "London", ["Northbank Players"], buyers: 3);
    private static readonly CatalogEvent SwanLake = Event("Swan Lake", "dance", "Paris", ["Ballet de la Ville"], buyers: 2);

    [Fact]
    public void Events_the_buyer_already_bought_are_never_suggested()
    {
        var macbeth = Event("Macbeth", "theatre", "London", buyers: 1);

        var suggestions = Recommender.Recommend(Input([Hamlet, SwanLake, macbeth], bought: [Hamlet], coPurchases: [Co(Hamlet, SwanLake, 2)]));

        suggestions.Select(s => s.Name).ShouldBe(["Swan Lake", "Macbeth"], ignoreOrder: true);
    }

    [Fact]
    public void Events_that_started_are_never_suggested()
    {
        var startedNow = Event("Started now", "theatre", inDays: 0, buyers: 9);
        var past = Event("Last week", "theatre", inDays: -7, buyers: 9);
        var soon = Event("Tomorrow", "theatre", inDays: 1);

        Recommender.Recommend(Input([startedNow, past, soon], bought: [Hamlet], coPurchases: [Co(Hamlet, past, 3)]))
            .Select(s => s.Name).ShouldBe(["Tomorrow"]);
        Recommender.Recommend(Input([startedNow, past, soon])).Select(s => s.Name).ShouldBe(["Tomorrow"]);
    }

    [Fact]
    public void Events_the_buyer_is_too_young_for_on_the_event_date_are_never_suggested()
    {
        var adults = Event("Late Show", "comedy", inDays: 10, minimumAge: 18, buyers: 5);
        var family = Event("Magic Show", "family", inDays: 10, buyers: 1);
        var eventDay = DateOnly.FromDateTime(adults.StartsAt.UtcDateTime);

        Names(Input([adults, family], birthDate: eventDay.AddYears(-18))).ShouldBe(["Late Show", "Magic Show"]);
        Names(Input([adults, family], birthDate: eventDay.AddYears(-18).AddDays(1))).ShouldBe(["Magic Show"]);
        Names(Input([adults, family], bought: [Hamlet], coPurchases: [Co(Hamlet, adults, 3)], birthDate: eventDay.AddYears(-17))).ShouldBe(["Magic Show"]);
    }

    [Fact]
    public void Without_a_birth_date_only_events_without_a_minimum_age_are_suggested()
    {
        var adults = Event("Late Show", minimumAge: 18, buyers: 5);
        var family = Event("Magic Show", minimumAge: 0, buyers: 1);
        var input = Input([adults, family]) with { BirthDate = null };

        Names(input).ShouldBe(["Magic Show"]);
    }

    [Fact]
    public void A_buyer_with_no_history_gets_popular_upcoming_events_by_buyers_then_soonest()
    {
        var most = Event("Most bought", buyers: 40, inDays: 30);
        var soonerOfTwo = Event("Sooner of two", buyers: 10, inDays: 5);
        var laterOfTwo = Event("Later of two", buyers: 10, inDays: 6);
        var none = Event("Nobody yet", buyers: 0, inDays: 1);

        var suggestions = Recommender.Recommend(Input([none, laterOfTwo, most, soonerOfTwo]));

        suggestions.Select(s => s.Name).ShouldBe(["Most bought", "Sooner of two", "Later of two", "Nobody yet"]);
        suggestions.ShouldAllBe(s => s.Reason == "Popular upcoming event");
        suggestions[0].Score.ShouldBe(1.0);
        suggestions[^1].Score.ShouldBe(0.0);
    }

    [Fact]
    public void People_who_bought_the_same_event_lead_the_ranking_and_name_it()
    {
        var macbeth = Event("Macbeth", "theatre", "Berlin", buyers: 1);

        var suggestions = Recommender.Recommend(Input([SwanLake, macbeth], bought: [Hamlet], coPurchases: [Co(Hamlet, SwanLake, 2)]));

        suggestions[0].Name.ShouldBe("Swan Lake");
        suggestions[0].Reason.ShouldBe("Because you bought tickets for Hamlet");
        // Co-purchase 2 / (3^1/2 * 2^1/4) + 0.05 popularity (the most bought eligible event).
        suggestions[0].Score.ShouldBe(Math.Round((2 / (Math.Sqrt(3) * Math.Pow(2, 0.25))) + 0.05, 4));
    }

    [Fact]
    public void The_reason_names_the_bought_event_most_similar_to_the_suggestion()
    {
        var jazz = Event("Midnight Jazz", "concert", "Lisbon", buyers: 50);
        var target = Event("Indie Night", "concert", "Lisbon", buyers: 4);

        var suggestion = Recommender.Recommend(Input([target], bought: [jazz, Hamlet], coPurchases: [Co(jazz, target, 4), Co(Hamlet, target, 3)]))[0];

        // Hamlet: 3 / (3^1/2 * 4^1/4) = 1.22 beats jazz: 4 / (50^1/2 * 4^1/4) = 0.40.
        suggestion.Reason.ShouldBe("Because you bought tickets for Hamlet");
    }

    [Fact]
    public void Shared_performers_category_and_city_each_give_their_reason()
    {
        var aurora = Event("Northern Lights", "concert", "Oslo", ["Aurora Skies"], inDays: -30);
        var forest = Event("Electric Forest", "festival", "Amsterdam", ["DJ Nova", "Aurora Skies"]);
        var play = Event("King Lear", "theatre", "Madrid");
        var lisbonGig = Event("Rooftop", "jazz", "Lisbon");
        var lisbonBefore = Event("Fado Night", "fado", "Lisbon", inDays: -3);

        Recommender.Recommend(Input([forest], bought: [aurora]))[0].Reason.ShouldBe("Because you saw Aurora Skies");
        Recommender.Recommend(Input([play], bought: [Hamlet]))[0].Reason.ShouldBe("Because you like theatre");
        Recommender.Recommend(Input([lisbonGig], bought: [lisbonBefore]))[0].Reason.ShouldBe("Popular in Lisbon");
    }

    [Fact]
    public void Content_affinity_ranks_events_like_the_buyers_own_above_unrelated_popular_ones()
    {
        var popular = Event("Derby", "sport", "Manchester", buyers: 100);
        var play = Event("King Lear", "theatre", "Madrid", buyers: 0);

        var suggestions = Recommender.Recommend(Input([popular, play], bought: [Hamlet]));

        suggestions.Select(s => s.Name).ShouldBe(["King Lear", "Derby"]);
        suggestions[1].Reason.ShouldBe("Popular upcoming event");
    }

    [Fact]
    public void Equal_scores_are_ordered_by_start_then_event_id_whatever_the_input_order()
    {
        var ids = Enumerable.Range(0, 6).Select(i => new Guid($"00000000-0000-0000-0000-00000000000{i}")).ToArray();
        List<CatalogEvent> events =
        [
            Event("B", inDays: 5, id: ids[3]),
            Event("A", inDays: 5, id: ids[1]),
            Event("C", inDays: 4, id: ids[5]),
            Event("D", inDays: 6, id: ids[0]),
            Event("E", inDays: 5, id: ids[2]),
        ];

        var forward = Recommender.Recommend(Input(events, bought: [Hamlet]));
        var backward = Recommender.Recommend(Input(Enumerable.Reverse(events), bought: [Hamlet]));

        forward.Select(s => s.Name).ShouldBe(["C", "A", "E", "B", "D"]);
        backward.ShouldBe(forward);
        Recommender.Recommend(Input(Enumerable.Reverse(events))).Select(s => s.Name).ShouldBe(["C", "A", "E", "B", "D"]);
    }

    [Fact]
    public void Identical_data_gives_identical_suggestions_whatever_the_order_it_was_loaded_in()
    {
        var random = new Random(7);
        string[] categories = ["concert", "theatre", "sport"];
        string[] cities = ["Oslo", "Lisbon"];
        var events = Enumerable.Range(0, 40)
            .Select(i => Event($"Event {i}", categories[i % 3], cities[i % 2], [$"P{i % 5}", $"P{i % 7}"], inDays: 1 + (i % 4), buyers: random.Next(1, 20)))
            .ToList();
        var bought = events.Take(4).ToList();
        var pairs = bought.SelectMany(b => events.Skip(4).Where((_, i) => i % 3 == 0).Select(c => Co(b, c, Math.Min(b.Buyers, c.Buyers) / 2))).ToList();

        var first = Recommender.Recommend(Input(events.Skip(4), bought, pairs));
        var shuffled = Recommender.Recommend(Input(events.Skip(4).OrderBy(_ => random.Next()), bought.OrderBy(_ => random.Next()), pairs.OrderBy(_ => random.Next())));

        shuffled.ShouldBe(first);
        first.Count.ShouldBe(10);
    }

    [Fact]
    public void At_most_limit_suggestions_are_returned()
    {
        var events = Enumerable.Range(0, 20).Select(i => Event($"Event {i}", buyers: i)).ToList();

        Recommender.Recommend(Input(events, limit: 3)).Count.ShouldBe(3);
        Recommender.Recommend(Input(events, bought: [Hamlet], limit: 1)).Count.ShouldBe(1);
    }

    private static List<string> Names(RankingInput input) => [.. Recommender.Recommend(input).Select(s => s.Name)];
}
